namespace KvmMetrics.Exporter.Options;

/// <summary>
/// Secrets given as command-line flags. They work, but every local user can read a process's arguments
/// (<c>/proc/PID/cmdline</c>, <c>ps</c>), so the exporter warns and names the safer ways to pass them.
/// </summary>
public static class CommandLineSecrets
{
    private static readonly (string Flag, string Instead)[] Flags =
    [
        ("--influx.password", "--influx.password-file or KVM_EXPORTER_INFLUX_PASSWORD"),
        ("--influx.token", "--influx.token-file or KVM_EXPORTER_INFLUX_TOKEN"),
    ];

    /// <summary>One warning per secret flag present in <paramref name="args"/> (as <c>--flag=value</c> or <c>--flag value</c>).</summary>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Flags
            .Where(f => args.Any(a => a == f.Flag || a.StartsWith(f.Flag + "=", StringComparison.Ordinal)))
            .Select(f => $"{f.Flag} on the command line can be read by every local user (/proc/PID/cmdline, ps); use {f.Instead}.")
            .ToArray();
    }
}
