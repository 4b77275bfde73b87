using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Options;

/// <summary>Where a setting came from; later origins override earlier ones.</summary>
public enum SettingOrigin
{
    /// <summary>A key of the YAML config file.</summary>
    File,

    /// <summary>An environment variable (prefix + upper-case name).</summary>
    Environment,

    /// <summary>A command-line flag.</summary>
    Flag,
}

/// <summary>One raw setting before parsing.</summary>
/// <param name="Name">Option name (flag name without <c>--</c>).</param>
/// <param name="Value">Text value; null for a bare flag.</param>
/// <param name="Source">Where it came from, as error messages name it (<c>--step</c>, <c>environment KVM_X_STEP</c>, <c>config file F key step</c>).</param>
/// <param name="Origin">Kind of source.</param>
public sealed record Setting(string Name, string? Value, string Source, SettingOrigin Origin);

/// <summary>
/// The raw settings of one run from the three sources, read the same way by both hosts: command-line flags
/// (<c>--name=value</c>, <c>--name value</c>, bare <c>--switch</c>), environment variables (prefix + the name in upper
/// case with '.' and '-' as '_') and a YAML file named by <c>--config.file</c> (flag or environment) whose keys are
/// the option names (nested maps join with '.'; lists become comma-separated text). Precedence: flag &gt; environment
/// &gt; file &gt; default. Hand-written reading, no reflection binding, so it is safe under Native AOT trimming.
/// </summary>
public sealed class SettingSources
{
    /// <summary>The option naming the config file.</summary>
    public const string ConfigFileOption = "config.file";

    private readonly Dictionary<string, string> _environment;

    private SettingSources(string prefix, List<Setting> flags, Dictionary<string, string> environment, List<Setting> file, string? configFile)
    {
        Prefix = prefix;
        Flags = flags;
        _environment = environment;
        File = file;
        ConfigFile = configFile;
    }

    /// <summary>Environment variable prefix (<c>KVM_EXPORTER_</c>).</summary>
    public string Prefix { get; }

    /// <summary>Flags in command-line order.</summary>
    public IReadOnlyList<Setting> Flags { get; }

    /// <summary>Config-file keys in file order.</summary>
    public IReadOnlyList<Setting> File { get; }

    /// <summary>The config file read (absolute path), or null.</summary>
    public string? ConfigFile { get; }

    /// <summary>Environment variables with the prefix, by variable name.</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>Reads flags, the prefixed environment and the config file; problems go to <paramref name="errors"/>.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="prefix">Environment variable prefix, e.g. <c>KVM_ANALYZER_</c>.</param>
    /// <param name="environment">Environment variables; null means none (tests).</param>
    /// <param name="isSwitch">True for names whose bare flag never takes the next argument as its value.</param>
    /// <param name="errors">Receives one line per problem.</param>
    public static SettingSources Read(IReadOnlyList<string> args, string prefix, IDictionary? environment, Func<string, bool> isSwitch, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(isSwitch);
        ArgumentNullException.ThrowIfNull(errors);
        var flags = ReadFlags(args, isSwitch, errors);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (environment is not null)
        {
            foreach (DictionaryEntry entry in environment)
            {
                if (entry.Key is string key && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    env[key] = entry.Value as string ?? string.Empty;
                }
            }
        }

        var configVariable = OptionDefinition.EnvironmentName(prefix, ConfigFileOption);
        var configText = flags.LastOrDefault(f => f.Name == ConfigFileOption)?.Value ?? (env.TryGetValue(configVariable, out var v) ? v : null);
        var file = new List<Setting>();
        string? configFile = null;
        if (configText is { Length: > 0 })
        {
            var source = flags.Any(f => f.Name == ConfigFileOption) ? "--" + ConfigFileOption : "environment " + configVariable;
            configFile = ReadConfigFile(configText, source, file, errors);
        }

        return new SettingSources(prefix, flags, env, file, configFile);
    }

    /// <summary>The winning setting for <paramref name="name"/> (last flag, else environment, else last file key), or null.</summary>
    public Setting? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = Flags.Count - 1; i >= 0; i--)
        {
            if (Flags[i].Name == name)
            {
                return Flags[i];
            }
        }

        var variable = OptionDefinition.EnvironmentName(Prefix, name);
        if (_environment.TryGetValue(variable, out var value))
        {
            return new Setting(name, value, "environment " + variable, SettingOrigin.Environment);
        }

        for (var i = File.Count - 1; i >= 0; i--)
        {
            if (File[i].Name == name)
            {
                return File[i];
            }
        }

        return null;
    }

    /// <summary>Every setting in precedence order, lowest first (file, environment, flags), with environment names mapped through <paramref name="names"/>.</summary>
    public IEnumerable<Setting> InPrecedenceOrder(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var s in File)
        {
            yield return s;
        }

        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var variable = OptionDefinition.EnvironmentName(Prefix, name);
            if (_environment.TryGetValue(variable, out var value))
            {
                yield return new Setting(name, value, "environment " + variable, SettingOrigin.Environment);
            }
        }

        foreach (var s in Flags)
        {
            yield return s;
        }
    }

    /// <summary>Environment variables with the prefix that match none of <paramref name="names"/>, sorted.</summary>
    public IReadOnlyList<string> UnknownEnvironment(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var known = new HashSet<string>(names.Select(n => OptionDefinition.EnvironmentName(Prefix, n)), StringComparer.Ordinal);
        return _environment.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Parses the winning setting of <paramref name="option"/>, or returns its default; a bad value adds one line to <paramref name="errors"/>.</summary>
    public T Get<T>(Option<T> option, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(errors);
        if (Find(option.Name) is not { } setting)
        {
            return option.Default;
        }

        if (option.TryParse(setting.Value, setting.Source, out var value, out var error))
        {
            return value;
        }

        errors.Add(error!);
        return option.Default;
    }

    private static List<Setting> ReadFlags(IReadOnlyList<string> args, Func<string, bool> isSwitch, ICollection<string> errors)
    {
        var result = new List<Setting>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                errors.Add($"argument '{(arg.Length <= 120 ? arg : arg[..120] + "...")}': unexpected; options look like --name=value or --name value");
                continue;
            }

            var body = arg[2..];
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? body : body[..eq];
            string? value = eq < 0 ? null : body[(eq + 1)..];
            if (value is null && !isSwitch(name) && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            result.Add(new Setting(name, value, "--" + name, SettingOrigin.Flag));
        }

        return result;
    }

    private static string? ReadConfigFile(string path, string source, List<Setting> settings, ICollection<string> errors)
    {
        if (PathChecks.Readable(path, out var full) is { } problem)
        {
            errors.Add($"{source}: '{path}' {problem}; accepted: a readable YAML file whose keys are option names");
            return null;
        }

        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(full!))
            {
                stream.Load(reader);
            }

            if (stream.Documents.Count == 0)
            {
                return full;
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                errors.Add($"config file {full}: the top level must be a map of option names to values");
                return full;
            }

            Flatten(root, string.Empty, full!, settings, errors);
        }
        catch (Exception ex) when (ex is YamlException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"config file {full}: cannot be read ({ex.Message.ReplaceLineEndings(" ")}); fix the YAML");
        }

        return full;
    }

    private static void Flatten(YamlMappingNode node, string prefix, string path, List<Setting> settings, ICollection<string> errors)
    {
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = prefix + ((keyNode as YamlScalarNode)?.Value ?? string.Empty);
            var source = $"config file {path} key {key}";
            switch (valueNode)
            {
                case YamlMappingNode map:
                    Flatten(map, key + ".", path, settings, errors);
                    break;
                case YamlScalarNode scalar:
                    settings.Add(new Setting(key, scalar.Value ?? string.Empty, source, SettingOrigin.File));
                    break;
                case YamlSequenceNode seq:
                    var items = seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? string.Empty);
                    settings.Add(new Setting(key, string.Join(',', items), source, SettingOrigin.File));
                    break;
                default:
                    errors.Add($"{source}: unsupported value; give a scalar, a list or a map");
                    break;
            }
        }
    }
}
