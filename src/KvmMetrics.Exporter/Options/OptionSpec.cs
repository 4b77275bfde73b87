using KvmMetrics.Options;

namespace KvmMetrics.Exporter.Options;

/// <summary>One exporter option bound to <see cref="ExporterOptions"/>: its definition and how a parsed value is stored.</summary>
/// <param name="Definition">Name, default, accepted values and description (also used for docs and help).</param>
/// <param name="Apply">Parses a setting and returns the new options, or null and the one-line error.</param>
public sealed record OptionSpec(OptionDefinition Definition, Func<ExporterOptions, Setting, (ExporterOptions? Options, string? Error)> Apply)
{
    /// <summary>The flag name without <c>--</c> (<c>web.listen-address</c>); also the config-file key.</summary>
    public string Name => Definition.Name;

    /// <summary>The default as text, for documentation.</summary>
    public string Default => Definition.DefaultText;

    /// <summary>What values are accepted.</summary>
    public string Accepted => Definition.Accepted;

    /// <summary>What the setting does.</summary>
    public string Description => Definition.Description;

    /// <summary>The environment variable that sets this option (<c>KVM_EXPORTER_WEB_LISTEN_ADDRESS</c>).</summary>
    public string EnvironmentVariable => EnvName(Name);

    /// <summary>The environment variable name for a flag name.</summary>
    public static string EnvName(string flagName) => OptionDefinition.EnvironmentName(OptionTable.EnvironmentPrefix, flagName);

    /// <summary>Binds a typed option to the property <paramref name="set"/> writes.</summary>
    public static OptionSpec Bind<T>(Option<T> option, Func<ExporterOptions, T, ExporterOptions> set)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(set);
        return new OptionSpec(option, (o, s) => option.TryParse(s.Value, s.Source, out var value, out var error) ? (set(o, value), null) : (null, error));
    }
}
