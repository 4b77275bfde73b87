using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Exporter.Options;

/// <summary>Reads settings from flags, environment and config file (precedence flag &gt; env &gt; file &gt; default) and validates them.</summary>
internal static class OptionParser
{
    private const string CollectorPrefix = "collector.";
    private const string NoCollectorPrefix = "no-collector.";
    private const string InfluxPrefix = "influx.";

    public static OptionsParseResult Parse(IReadOnlyList<string> args, IDictionary? environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        var flags = ReadFlags(args, errors);
        var env = ReadEnvironment(environment, errors);

        // The config file is itself a setting: flag, then environment.
        var configFile = flags.LastOrDefault(f => f.Name == "config.file")?.Value ?? env.LastOrDefault(e => e.Name == "config.file")?.Value;
        var file = new List<Setting>();
        if (configFile is not null)
        {
            ReadConfigFile(configFile, file, errors);
        }

        var options = new ExporterOptions();
        var collectors = new HashSet<string>(options.EnabledCollectors, StringComparer.Ordinal);
        var influx = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in file.Concat(env).Concat(flags))
        {
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
            if (!ExporterOptions.KnownCollectors.Contains(collector))
            {
                errors.Add($"{s.Source}: unknown collector '{collector}'; known collectors: {string.Join(", ", ExporterOptions.KnownCollectors)}");
                return options;
            }

            if (!OptionTable.TryBool(s.Value ?? "true", out var on))
            {
                errors.Add($"{s.Source}: '{s.Value}' is not a boolean; accepted: true or false");
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

        if (s.Value is null)
        {
            errors.Add($"{s.Source}: a value is required; accepted: {spec.Accepted}");
            return options;
        }

        var (next, error) = spec.Apply(options, s.Value);
        if (next is null)
        {
            errors.Add($"{s.Source}: '{Shorten(s.Value)}' is invalid ({error}); accepted: {spec.Accepted}");
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
            errors.Add($"--scrape.timeout-offset: {DurationText.Format(o.ScrapeTimeoutOffset)} must be smaller than --scrape.timeout {DurationText.Format(o.ScrapeTimeout)}");
        }
    }

    private static List<Setting> ReadFlags(IReadOnlyList<string> args, List<string> errors)
    {
        var result = new List<Setting>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                errors.Add($"argument '{Shorten(arg)}': unexpected; flags look like --name=value");
                continue;
            }

            var body = arg[2..];
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? body : body[..eq];
            string? value = eq < 0 ? null : body[(eq + 1)..];
            var isSwitch = name.StartsWith(CollectorPrefix, StringComparison.Ordinal) || name.StartsWith(NoCollectorPrefix, StringComparison.Ordinal);
            if (value is null && !isSwitch && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            result.Add(new Setting(name, value, "flag --" + name));
        }

        return result;
    }

    private static List<Setting> ReadEnvironment(IDictionary? environment, List<string> errors)
    {
        var result = new List<Setting>();
        if (environment is null)
        {
            return result;
        }

        var byEnv = OptionTable.Specs.ToDictionary(s => s.EnvironmentVariable, s => s.Name, StringComparer.Ordinal);
        foreach (var c in ExporterOptions.KnownCollectors)
        {
            byEnv[OptionSpec.EnvName(CollectorPrefix + c)] = CollectorPrefix + c;
        }

        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string key || !key.StartsWith(OptionTable.EnvironmentPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var value = entry.Value as string ?? string.Empty;
            if (byEnv.TryGetValue(key, out var name))
            {
                result.Add(new Setting(name, value, "environment " + key));
            }
            else if (key.StartsWith(OptionTable.EnvironmentPrefix + "INFLUX_", StringComparison.Ordinal))
            {
                // influx keys use '-' between words; environment names cannot, so '_' maps back to '-'.
                var sub = key[(OptionTable.EnvironmentPrefix + "INFLUX_").Length..].ToLowerInvariant().Replace('_', '-');
                result.Add(new Setting(InfluxPrefix + sub, value, "environment " + key));
            }
            else
            {
                errors.Add($"environment {key}: unknown setting; names are {OptionTable.EnvironmentPrefix} + the flag name in upper case with '.' and '-' as '_'");
            }
        }

        // Deterministic order: environment enumeration order is unspecified.
        result.Sort((a, b) => string.CompareOrdinal(a.Source, b.Source));
        return result;
    }

    private static void ReadConfigFile(string path, List<Setting> settings, List<string> errors)
    {
        if (!File.Exists(path))
        {
            return; // reported by the config.file option itself, naming where the path came from
        }

        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }

            if (stream.Documents.Count == 0)
            {
                return;
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                errors.Add($"config file {path}: the top level must be a map of option names to values");
                return;
            }

            Flatten(root, string.Empty, path, settings, errors);
        }
        catch (Exception ex) when (ex is YamlException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"config file {path}: cannot be read ({ex.Message})");
        }
    }

    private static void Flatten(YamlMappingNode node, string prefix, string path, List<Setting> settings, List<string> errors)
    {
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = prefix + ((keyNode as YamlScalarNode)?.Value ?? string.Empty);
            switch (valueNode)
            {
                case YamlMappingNode map:
                    Flatten(map, key + ".", path, settings, errors);
                    break;
                case YamlScalarNode scalar:
                    settings.Add(new Setting(key, scalar.Value ?? string.Empty, $"config file {path} key {key}"));
                    break;
                case YamlSequenceNode seq:
                    var items = seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? string.Empty);
                    settings.Add(new Setting(key, string.Join(',', items), $"config file {path} key {key}"));
                    break;
                default:
                    errors.Add($"config file {path} key {key}: unsupported value");
                    break;
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";

    private sealed record Setting(string Name, string? Value, string Source);
}
