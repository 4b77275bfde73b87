using KvmMetrics.Analyzer.Cli;
using F = KvmMetrics.Analyzer.Cli.AnalyzerFlags.Serve;

namespace KvmMetrics.Analyzer.Service;

/// <summary>Options of <c>serve</c>, validated at start (a bad value stops the process with a message naming the flag).</summary>
public sealed record AnalyzerServiceOptions
{
    /// <summary><c>--web.listen-address</c>.</summary>
    public string ListenAddress { get; init; } = F.ListenAddress.Default!;

    /// <summary><c>--web.config.file</c>: TLS and basic auth (exporter-toolkit format); null = plain HTTP, no auth.</summary>
    public string? WebConfigFile { get; init; }

    /// <summary><c>--data.dir</c>: state and weekly reports.</summary>
    public string DataDirectory { get; init; } = F.DataDirectory.Default!;

    /// <summary><c>--interval.hotspots</c>.</summary>
    public TimeSpan HotspotInterval { get; init; } = F.HotspotInterval.Default;

    /// <summary><c>--interval.plan</c> (forecasts, plan, capacity), at least the hotspot interval.</summary>
    public TimeSpan PlanInterval { get; init; } = F.PlanInterval.Default;

    /// <summary><c>--interval.report</c>.</summary>
    public TimeSpan ReportInterval { get; init; } = F.ReportInterval.Default;

    /// <summary><c>--stale-after</c>: data older than this is reported stale.</summary>
    public TimeSpan StaleAfter { get; init; } = F.StaleAfter.Default;

    /// <summary>
    /// <c>--hotspots.min-step</c>: the shortest step the hotspot rules evaluate on. The rules use the
    /// data's own spacing but never less than this, so "sustained for 3 steps" is 15 minutes by default; lower it only
    /// when the source delivers finer data (e.g. <c>--prometheus.step 15s</c>) and shorter bursts should count.
    /// </summary>
    public TimeSpan HotspotMinStep { get; init; } = F.HotspotMinStep.Default;

    /// <summary><c>--api.token-file</c>: when set, <c>/api/*</c> needs <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? ApiTokenFile { get; init; }

    /// <summary>Reads the options from the command line (source options are read separately).</summary>
    public static AnalyzerServiceOptions Parse(CommandArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new AnalyzerServiceOptions
        {
            ListenAddress = args.Get(F.ListenAddress)!,
            WebConfigFile = args.Get(F.WebConfigFile),
            DataDirectory = args.Get(F.DataDirectory)!,
            HotspotInterval = args.Get(F.HotspotInterval),
            PlanInterval = args.Get(F.PlanInterval),
            ReportInterval = args.Get(F.ReportInterval),
            StaleAfter = args.Get(F.StaleAfter),
            ApiTokenFile = args.Get(F.ApiTokenFile),
            HotspotMinStep = args.Get(F.HotspotMinStep),
        };
        o.Validate();
        return o;
    }

    /// <summary>Throws <see cref="UsageException"/> naming the option when a value is out of range or inconsistent.</summary>
    public void Validate()
    {
        if (PlanInterval < HotspotInterval)
        {
            throw new UsageException($"--interval.plan ({PlanInterval}) must be at least --interval.hotspots ({HotspotInterval})");
        }

        if (ReportInterval < PlanInterval)
        {
            throw new UsageException($"--interval.report ({ReportInterval}) must be at least --interval.plan ({PlanInterval})");
        }

        if (HotspotMinStep < TimeSpan.FromSeconds(15) || HotspotMinStep > TimeSpan.FromHours(1))
        {
            throw new UsageException($"--hotspots.min-step must be from 15s to 1h, got {HotspotMinStep}");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new UsageException("--data.dir must name a directory");
        }

        // The default is not parsed, so its path is checked here as a given one would be.
        if (KvmMetrics.Options.PathChecks.WritableDirectory(DataDirectory, out _) is { } problem)
        {
            throw new UsageException($"--data.dir: '{DataDirectory}' {problem}");
        }

        if (ApiTokenFile is not null && !File.Exists(ApiTokenFile))
        {
            throw new UsageException($"--api.token-file '{ApiTokenFile}' does not exist (put the token on one line in that file)");
        }

        try
        {
            KvmMetrics.Web.Hosting.ListenAddress.Parse(ListenAddress);
        }
        catch (FormatException e)
        {
            throw new UsageException("--web.listen-address: " + e.Message);
        }
    }
}
