using System.Collections;
using KvmMetrics.Options;

namespace KvmMetrics.Exporter.Options;

/// <summary>Reads settings from flags, environment and config file (precedence flag &gt; env &gt; file &gt; default,
/// <see cref="SettingSources"/>) and validates them through the typed definitions of <see cref="OptionTable"/>.</summary>
internal static class OptionParser
{
    private const string CollectorPrefix = "collector.";
    private const string NoCollectorPrefix = "no-collector.";
    private const string InfluxPrefix = "influx.";

    public static OptionsParseResult Parse(IReadOnlyList<string> args, IDictionary? environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        var sources = SettingSources.Read(args, OptionTable.EnvironmentPrefix, environment,
            name => name.StartsWith(CollectorPrefix, StringComparison.Ordinal) || name.StartsWith(NoCollectorPrefix, StringComparison.Ordinal), errors);
        var names = OptionTable.All.Select(d => d.Name).ToArray();
        foreach (var unknown in sources.UnknownEnvironment(names))
        {
            errors.Add($"environment {unknown}: unknown setting; names are {OptionTable.EnvironmentPrefix} + the flag name in upper case with '.' and '-' as '_' (see --help)");
        }

        var options = new ExporterOptions { ConfigFile = sources.ConfigFile };
        var collectors = new HashSet<string>(options.EnabledCollectors, StringComparer.Ordinal);
        var influx = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in sources.InPrecedenceOrder(names))
        {
            if (setting.Name == SettingSources.ConfigFileOption)
            {
                continue; // read (and checked) by SettingSources
            }

            options = Apply(options, setting, collectors, influx, errors);
        }

        options = options with { EnabledCollectors = collectors, Influx = influx };
        Validate(options, errors);
        return errors.Count == 0 ? new OptionsParseResult(options, []) : new OptionsParseResult(null, errors);
    }

    private static ExporterOptions Apply(ExporterOptions options, Setting s, HashSet<string> collectors, Dictionary<string, string> influx, List<string> errors)
    {
        if (s.Name.StartsWith(CollectorPrefix, StringComparison.Ordinal) || s.Name.StartsWith(NoCollectorPrefix, StringComparison.Ordinal))
        {
            var negated = s.Name.StartsWith(NoCollectorPrefix, StringComparison.Ordinal);
            var collector = s.Name[(negated ? NoCollectorPrefix : CollectorPrefix).Length..];
            var option = OptionTable.Collectors.FirstOrDefault(c => c.Name == CollectorPrefix + collector);
            if (option is null)
            {
                errors.Add($"{s.Source}: unknown collector '{collector}'; known collectors: {string.Join(", ", ExporterOptions.KnownCollectors)}");
                return options;
            }

            if (!option.TryParse(s.Value, s.Source, out var on, out var error))
            {
                errors.Add(error!);
                return options;
            }

            if (on != negated)
            {
                collectors.Add(collector);
            }
            else
            {
                collectors.Remove(collector);
            }

            return options;
        }

        if (s.Name.StartsWith(InfluxPrefix, StringComparison.Ordinal))
        {
            influx[s.Name[InfluxPrefix.Length..]] = s.Value ?? "true";
            return options;
        }

        var spec = OptionTable.Find(s.Name);
        if (spec is null)
        {
            errors.Add($"{s.Source}: unknown option; run with --help for the list");
            return options;
        }

        var (next, message) = spec.Apply(options, s);
        if (next is null)
        {
            errors.Add(message!);
            return options;
        }

        return next;
    }

    private static void Validate(ExporterOptions o, List<string> errors)
    {
        var notFetched = o.SlowGroups & ~o.StatsGroups;
        if (notFetched != 0)
        {
            errors.Add($"--libvirt.slow-groups: '{StatsGroupNames.Format(notFetched)}' not in --libvirt.stats-groups '{StatsGroupNames.Format(o.StatsGroups)}'; accepted: a subset of the fetched groups");
        }

        if (o.IsEnabled("cgroup"))
        {
            try
            {
                _ = Hosting.CollectorRegistry.CgroupOptions(o);
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }

        var (_, influxErrors) = Influx.InfluxPushOptions.FromSettings(o.Influx);
        errors.AddRange(influxErrors);

        if (o.ScrapeTimeoutOffset >= o.ScrapeTimeout)
        {
            errors.Add($"--scrape.timeout-offset: {Duration.Format(o.ScrapeTimeoutOffset)} must be smaller than --scrape.timeout {Duration.Format(o.ScrapeTimeout)}");
        }
    }
}
