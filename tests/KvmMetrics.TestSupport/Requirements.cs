using Xunit;

namespace KvmMetrics.TestSupport;

/// <summary>
/// Gate for tests that need a real component (libvirtd, promtool, influxd, chromium, helm).
/// Locally a missing component skips the test with the reason; under <c>CI=true</c> it fails it,
/// because CI must never skip quietly.
/// </summary>
public static class Requirements
{
    /// <summary>True when running under CI (<c>CI=true</c>).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (locally) or fails (CI) when <paramref name="condition"/> is false.</summary>
    public static void Require(bool condition, string what)
    {
        if (condition)
        {
            return;
        }

        var message = $"required component missing: {what}. Run 'bash scripts/setup.sh' (as root) to install it.";
        if (IsCi)
        {
            throw new InvalidOperationException(message + " (CI=true: missing components fail, they are not skipped)");
        }

        throw new SkipException(message);
    }

    /// <summary>Requires an executable on PATH (or at an absolute path) and returns its full path.</summary>
    public static string RequireTool(string name)
    {
        var path = FindTool(name);
        Require(path is not null, $"'{name}' executable");
        return path!;
    }

    /// <summary>Finds an executable on PATH, in /usr/sbin, or in the repository's .tools/bin.</summary>
    public static string? FindTool(string name)
    {
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", Path.Combine(RepoPaths.Root, ".tools", "bin")]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
