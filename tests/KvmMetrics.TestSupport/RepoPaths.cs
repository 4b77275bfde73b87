namespace KvmMetrics.TestSupport;

/// <summary>Locations inside the repository and the shared data folder, found from the test binary.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the directory holding KvmMetrics.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary><c>../shared/data</c> next to the repository, or <c>KVMMETRICS_SHARED_DATA</c>.</summary>
    public static string SharedData =>
        Environment.GetEnvironmentVariable("KVMMETRICS_SHARED_DATA") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

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
