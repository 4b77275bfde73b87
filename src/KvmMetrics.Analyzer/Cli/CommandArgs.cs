using System.Collections;
using KvmMetrics.Options;

namespace KvmMetrics.Analyzer.Cli;

/// <summary>
/// The settings of one sub-command from flags (<c>--name value</c>, <c>--name=value</c>, bare <c>--switch</c>),
/// <c>KVM_ANALYZER_*</c> environment variables and the YAML <c>--config.file</c>, in that precedence, read by the
/// same <see cref="SettingSources"/> as the exporter's. Typed getters (<see cref="Get{T}"/>) parse through the
/// option's definition and throw <see cref="UsageException"/> with one line naming the flag and what is accepted.
/// Every getter records the option as used, and <see cref="EnsureAllUsed"/> rejects the rest, so a typo
/// (<c>--horizn</c>) is an error that names it rather than a silently ignored flag.
/// </summary>
public sealed class CommandArgs
{
    /// <summary>Prefix of every environment variable the analyzer reads.</summary>
    public const string EnvironmentPrefix = "KVM_ANALYZER_";

    private readonly SettingSources _sources;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal) { SettingSources.ConfigFileOption };
    private readonly HashSet<string> _known;

    /// <summary>Parses the arguments that follow the command name (no environment, no declared switches).</summary>
    public CommandArgs(IReadOnlyList<string> args)
        : this(args, null, [])
    {
    }

    /// <summary>Parses the arguments, the <c>KVM_ANALYZER_*</c> environment and the config file they name.</summary>
    /// <param name="args">Arguments after the command name.</param>
    /// <param name="environment">Environment variables, or null for none.</param>
    /// <param name="known">Every option any command declares: switches never take the next argument as a value, and
    /// environment variables and file keys that match none of them (nor any option asked for) are reported as typos.</param>
    public CommandArgs(IReadOnlyList<string> args, IDictionary? environment, IEnumerable<OptionDefinition> known)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(known);
        var definitions = known.ToArray();
        var switches = new HashSet<string>(definitions.Where(d => d.IsSwitch).Select(d => d.Name), StringComparer.Ordinal);
        _known = new HashSet<string>(definitions.Select(d => d.Name), StringComparer.Ordinal);
        var errors = new List<string>();
        _sources = SettingSources.Read(args, EnvironmentPrefix, environment, switches.Contains, errors);
        if (errors.Count > 0)
        {
            throw new UsageException(errors[0]);
        }
    }

    /// <summary>The typed value of <paramref name="option"/> from flag, environment, file or its default.</summary>
    /// <exception cref="UsageException">The value is invalid; the message names where it came from and what is accepted.</exception>
    public T Get<T>(Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        _used.Add(option.Name);
        var errors = new List<string>(1);
        var value = _sources.Get(option, errors);
        return errors.Count == 0 ? value : throw new UsageException(errors[0]);
    }

    /// <summary>The typed value of an option that must be set.</summary>
    /// <exception cref="UsageException">The option is not set or invalid.</exception>
    public T Required<T>(Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return IsSet(option) ? Get(option) : throw new UsageException($"{option.Flag} is required; give {option.Accepted}");
    }

    /// <summary>True when the option is set by a flag, the environment or the config file.</summary>
    public bool IsSet(OptionDefinition option)
    {
        ArgumentNullException.ThrowIfNull(option);
        _used.Add(option.Name);
        return _sources.Find(option.Name) is not null;
    }

    /// <summary>True when <c>--name</c> is on (a bare flag, or a true value).</summary>
    public bool Flag(string name) => Get(Opt.Switch(name, "switch"));

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/> when absent.</summary>
    public string? String(string name, string? fallback = null) => Get(Opt.Text(name, fallback, "a value", "text"));

    /// <summary>The value of a required option.</summary>
    public string Required(string name, string hint) =>
        String(name) ?? throw new UsageException($"--{name} is required ({hint})");

    /// <summary>An integer option within [min, max].</summary>
    public int Int(string name, int fallback, int min, int max) => Get(Opt.Int(name, fallback, min, max, "integer"));

    /// <summary>A duration option within [min, max], in the one grammar of <see cref="KvmMetrics.Options.Duration"/>.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max) => Get(Opt.Duration(name, fallback, min, max, "duration"));

    /// <summary>Fails on any flag that no getter asked for, and on environment variables or file keys no option has.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _sources.Flags.Select(f => f.Name).Where(k => !_used.Contains(k)).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown option{(unknown.Length > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}; run with --help for the list");
        }

        var names = _used.Concat(_known).ToArray();
        if (_sources.UnknownEnvironment(names).FirstOrDefault() is { } variable)
        {
            throw new UsageException($"environment {variable}: no analyzer option has this name; names are {EnvironmentPrefix} + the flag name in upper case with '.' and '-' as '_'");
        }

        if (_sources.File.FirstOrDefault(s => !names.Contains(s.Name, StringComparer.Ordinal)) is { } key)
        {
            throw new UsageException($"{key.Source}: no analyzer option has this name; keys are the flag names without --");
        }
    }

    /// <summary>Parses a duration in the one grammar (<see cref="KvmMetrics.Options.Duration"/>).</summary>
    public static bool TryParseDuration(string text, out TimeSpan value) => KvmMetrics.Options.Duration.TryParse(text, out value);
}
