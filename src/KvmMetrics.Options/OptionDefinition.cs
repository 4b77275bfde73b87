namespace KvmMetrics.Options;

/// <summary>Parses one text value into a typed value, or says in a few words what is wrong with it.</summary>
/// <typeparam name="T">The option's type.</typeparam>
public delegate bool OptionParse<T>(string text, out T value, out string? problem);

/// <summary>
/// One option of a host: its flag name (also the config-file key and, upper-cased, the environment variable),
/// what it accepts, its default and what it does. The same definition feeds parsing, <c>--help</c> and the
/// generated tables in docs/, so none of them can drift from the others.
/// </summary>
public abstract class OptionDefinition
{
    /// <summary>Creates a definition.</summary>
    /// <param name="name">Flag name without <c>--</c>, e.g. <c>web.listen-address</c>.</param>
    /// <param name="description">One sentence saying what the option does.</param>
    protected OptionDefinition(string name, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Name = name;
        Description = description;
    }

    /// <summary>Flag name without <c>--</c>; also the config-file key.</summary>
    public string Name { get; }

    /// <summary>The flag as typed: <c>--</c> + <see cref="Name"/>.</summary>
    public string Flag => "--" + Name;

    /// <summary>One sentence saying what the option does.</summary>
    public string Description { get; }

    /// <summary>The accepted values, for messages and docs (<c>a duration 1s..1h</c>).</summary>
    public abstract string Accepted { get; }

    /// <summary>The default as text, for docs and help (<c>(none)</c> when there is none).</summary>
    public abstract string DefaultText { get; }

    /// <summary>True when a bare <c>--name</c> means <c>true</c> and the next argument is never taken as its value.</summary>
    public bool IsSwitch { get; init; }

    /// <summary>True when the value is a secret: never echoed in an error message.</summary>
    public bool IsSecret { get; init; }

    /// <summary>The environment variable that sets this option under <paramref name="prefix"/>.</summary>
    public string EnvironmentVariable(string prefix) => EnvironmentName(prefix, Name);

    /// <summary><paramref name="prefix"/> + the name in upper case with '.' and '-' as '_' (<c>KVM_EXPORTER_WEB_LISTEN_ADDRESS</c>).</summary>
    public static string EnvironmentName(string prefix, string name)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(name);
        return prefix + name.ToUpperInvariant().Replace('.', '_').Replace('-', '_');
    }

    /// <summary>Checks a value without keeping it: null when valid, else the one-line message for <paramref name="source"/>.</summary>
    public abstract string? Check(string? text, string source);
}

/// <summary>A typed option: parse → value, or one error line that names the option and says what is accepted.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class Option<T> : OptionDefinition
{
    private readonly OptionParse<T> _parse;
    private readonly Func<T, string> _format;
    private readonly string? _defaultText;

    /// <summary>Creates an option; most are made by the factories of <see cref="Opt"/>.</summary>
    /// <param name="name">Flag name without <c>--</c>.</param>
    /// <param name="defaultValue">Value when the option is not set anywhere; the only place the default is written.</param>
    /// <param name="accepted">The accepted values, for messages and docs.</param>
    /// <param name="description">What the option does.</param>
    /// <param name="parse">Text → value, or the problem.</param>
    /// <param name="format">Value → text in the accepted syntax (for the documented default).</param>
    /// <param name="defaultText">Documented default when formatting <paramref name="defaultValue"/> would not say it well.</param>
    public Option(string name, T defaultValue, string accepted, string description, OptionParse<T> parse, Func<T, string>? format = null, string? defaultText = null)
        : base(name, description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accepted);
        ArgumentNullException.ThrowIfNull(parse);
        Default = defaultValue;
        Accepted = accepted;
        _parse = parse;
        _format = format ?? (v => v?.ToString() ?? "(none)");
        _defaultText = defaultText;
    }

    /// <summary>The default value.</summary>
    public T Default { get; }

    /// <inheritdoc />
    public override string Accepted { get; }

    /// <inheritdoc />
    public override string DefaultText => _defaultText ?? (Default is null ? "(none)" : _format(Default));

    /// <summary>Formats a value in the accepted syntax.</summary>
    public string Format(T value) => value is null ? "(none)" : _format(value);

    /// <summary>Parses <paramref name="text"/> (null: the flag was given bare) set by <paramref name="source"/>.</summary>
    /// <param name="text">The value, or null for a bare flag.</param>
    /// <param name="source">Where the value came from (<c>--step</c>, <c>environment KVM_ANALYZER_STEP</c>, <c>config file F key step</c>).</param>
    /// <param name="value">The typed value when valid.</param>
    /// <param name="error">Otherwise one line naming the source and saying what is accepted.</param>
    public bool TryParse(string? text, string source, out T value, out string? error)
    {
        value = Default;
        error = null;
        if (text is null)
        {
            if (!IsSwitch)
            {
                error = $"{source}: a value is required; accepted: {Accepted}";
                return false;
            }

            text = "true";
        }

        if (_parse(text.Trim(), out value, out var problem))
        {
            return true;
        }

        value = Default;
        var shown = IsSecret ? "the value" : "'" + Shorten(text) + "'";
        error = $"{source}: {shown} {problem ?? "is not valid"}; accepted: {Accepted}";
        return false;
    }

    /// <inheritdoc />
    public override string? Check(string? text, string source) => TryParse(text, source, out _, out var error) ? null : error;

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";
}
