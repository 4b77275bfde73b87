using KvmMetrics.Options;
using F = KvmMetrics.Exporter.Options.ExporterFlags;

namespace KvmMetrics.Exporter.Options;

/// <summary>The table of every exporter setting bound to <see cref="ExporterOptions"/>: the single source of flags,
/// environment variables, config-file keys, validation, <c>--help</c> and the generated flags reference in docs/exporter.md.</summary>
public static class OptionTable
{
    /// <summary>Prefix of every environment variable read by the exporter.</summary>
    public const string EnvironmentPrefix = "KVM_EXPORTER_";

    /// <summary>Every setting except the per-collector switches and the <c>--influx.*</c> push settings, in documentation order.</summary>
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        OptionSpec.Bind(F.ConfigFile, (o, v) => o with { ConfigFile = v }),
        OptionSpec.Bind(F.ListenAddress, (o, v) => o with { ListenAddress = v! }),
        OptionSpec.Bind(F.TelemetryPath, (o, v) => o with { TelemetryPath = v! }),
        OptionSpec.Bind(F.WebConfigFile, (o, v) => o with { WebConfigFile = v }),
        OptionSpec.Bind(F.LibvirtUri, (o, v) => o with { LibvirtUri = v! }),
        OptionSpec.Bind(F.StatsGroups, (o, v) => o with { StatsGroups = v }),
        OptionSpec.Bind(F.ParallelChunks, (o, v) => o with { ParallelChunks = v }),
        OptionSpec.Bind(F.KeepAliveInterval, (o, v) => o with { LibvirtKeepAliveInterval = v }),
        OptionSpec.Bind(F.KeepAliveCount, (o, v) => o with { LibvirtKeepAliveCount = v }),
        OptionSpec.Bind(F.SlowGroups, (o, v) => o with { SlowGroups = v }),
        OptionSpec.Bind(F.SlowRefresh, (o, v) => o with { SlowRefresh = v }),
        OptionSpec.Bind(F.ScrapeTimeout, (o, v) => o with { ScrapeTimeout = v }),
        OptionSpec.Bind(F.ScrapeTimeoutOffset, (o, v) => o with { ScrapeTimeoutOffset = v }),
        OptionSpec.Bind(F.CollectionInterval, (o, v) => o with { CollectionInterval = v }),
        OptionSpec.Bind(F.DomainInclude, (o, v) => o with { DomainInclude = v }),
        OptionSpec.Bind(F.DomainExclude, (o, v) => o with { DomainExclude = v }),
        OptionSpec.Bind(F.DomainUuids, (o, v) => o with { DomainUuids = v }),
        OptionSpec.Bind(F.CgroupPath, (o, v) => o with { CgroupPath = v }),
        OptionSpec.Bind(F.ProcPath, (o, v) => o with { ProcPath = v! }),
        OptionSpec.Bind(F.SysPath, (o, v) => o with { SysPath = v! }),
        OptionSpec.Bind(F.LogLevel, (o, v) => o with { LogLevel = v }),
    ];

    /// <summary>The <c>--[no-]collector.NAME</c> switches, one per known collector.</summary>
    public static IReadOnlyList<Option<bool>> Collectors { get; } = ExporterOptions.KnownCollectors
        .Select(c => Opt.Switch("collector." + c, $"Enable the `{c}` collector (--no-collector.{c} disables it).", !ExporterOptions.DisabledByDefault.Contains(c)))
        .ToArray();

    /// <summary>Every definition, in documentation order: settings, collector switches, InfluxDB push.</summary>
    public static IReadOnlyList<OptionDefinition> All { get; } =
        [.. Specs.Select(s => s.Definition), .. Collectors, .. InfluxFlags.All];

    /// <summary>Finds a spec by flag name.</summary>
    public static OptionSpec? Find(string name) => Specs.FirstOrDefault(s => s.Name == name);

    /// <summary>True for <c>[host]:port</c> with port 0..65535.</summary>
    public static bool IsListenAddress(string v) => ExporterFlags.IsListenAddress(v);
}
