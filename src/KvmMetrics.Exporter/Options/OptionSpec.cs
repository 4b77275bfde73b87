namespace KvmMetrics.Exporter.Options;

/// <summary>One setting: its flag name, documentation, and how a text value is checked and applied.</summary>
/// <param name="Name">The flag name without <c>--</c> (<c>web.listen-address</c>); also the config-file key.</param>
/// <param name="Default">The default as text, for documentation.</param>
/// <param name="Accepted">What values are accepted, for documentation and error messages.</param>
/// <param name="Description">One sentence saying what the setting does.</param>
/// <param name="Apply">Applies a value; returns the new options, or null and an error detail.</param>
public sealed record OptionSpec(
    string Name,
    string Default,
    string Accepted,
    string Description,
    Func<ExporterOptions, string, (ExporterOptions? Options, string? Error)> Apply)
{
    /// <summary>The environment variable that sets this option (<c>KVM_EXPORTER_WEB_LISTEN_ADDRESS</c>).</summary>
    public string EnvironmentVariable => EnvName(Name);

    /// <summary>The environment variable name for a flag name.</summary>
    public static string EnvName(string flagName) =>
        OptionTable.EnvironmentPrefix + flagName.ToUpperInvariant().Replace('.', '_').Replace('-', '_');
}
