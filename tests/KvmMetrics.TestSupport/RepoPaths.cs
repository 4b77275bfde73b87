namespace KvmMetrics.TestSupport;

/// <summary>Locations inside the repository and the shared data folder, found from the test binary.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the directory holding KvmMetrics.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The apphost of <c>src/{project}</c>, built in the same configuration as the calling test binary.</summary>
    public static string BuiltExecutable(string project)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = InRepo("src", project, "bin", configuration, "net10.0", project);
        Xunit.Assert.True(File.Exists(path), $"{path} is built with the test project");
        return path;
    }

    /// <summary>
    /// <c>KVMMETRICS_SHARED_DATA</c>, else <c>../shared/data</c> next to the repository, else next to the checkout this
    /// one was cloned from (a clean clone in /tmp of a checkout that sits beside shared/ still finds the traces).
    /// </summary>
    public static string SharedData => SharedDataLazy.Value;

    private static readonly Lazy<string> SharedDataLazy = new(FindSharedData);

    private static string FindSharedData()
    {
        if (Environment.GetEnvironmentVariable("KVMMETRICS_SHARED_DATA") is { Length: > 0 } env)
        {
            return env;
        }

        var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
        if (Directory.Exists(beside) || OriginCheckout() is not { } origin)
        {
            return beside;
        }

        var besideOrigin = Path.GetFullPath(Path.Combine(origin, "..", "shared", "data"));
        return Directory.Exists(besideOrigin) ? besideOrigin : beside;
    }

    // The url of remote "origin" in .git/config when it is a local directory, else null.
    private static string? OriginCheckout()
    {
        var config = Path.Combine(Root, ".git", "config");
        if (!File.Exists(config))
        {
            return null;
        }

        var inOrigin = false;
        foreach (var raw in File.ReadLines(config))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                inOrigin = line == "[remote \"origin\"]";
            }
            else if (inOrigin && line.StartsWith("url", StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                var url = line[(eq + 1)..].Trim();
                return Path.IsPathRooted(url) && Directory.Exists(url) ? url : null;
            }
        }

        return null;
    }

    /// <summary>A path under the repository root.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The test project's own <c>testdata</c> folder as copied to the output directory.</summary>
    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "testdata", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KvmMetrics.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("KvmMetrics.sln not found above " + AppContext.BaseDirectory);
    }
}
