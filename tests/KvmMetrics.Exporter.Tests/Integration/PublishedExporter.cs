using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>
/// The exporter in its shipped form: the Native AOT binary from <c>dotnet publish -r linux-x64</c> (PublishAot is set in
/// the project). Published once per test run into <c>out/exporter-aot-tests</c>, or taken from
/// <c>KVMMETRICS_TEST_EXPORTER_BINARY</c> when a caller already published it (bench/exporter/run.sh publishes to out/exporter-aot).
/// </summary>
public static class PublishedExporter
{
    private static readonly Lazy<Task<string>> Binary = new(PublishAsync);

    /// <summary>The path of the published binary (publishing it on first use: about 1.5 min on 2 cores).</summary>
    public static Task<string> PathAsync() => Binary.Value;

    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable("KVMMETRICS_TEST_EXPORTER_BINARY") is { Length: > 0 } given)
        {
            Assert.True(File.Exists(given), $"KVMMETRICS_TEST_EXPORTER_BINARY={given} does not exist");
            return given;
        }

        var output = RepoPaths.InRepo("out", "exporter-aot-tests");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", RepoPaths.InRepo("src", "KvmMetrics.Exporter"), "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo", "-v", "quiet"],
            TimeSpan.FromMinutes(10));
        Assert.True(code == 0, $"dotnet publish (Native AOT) failed with {code}:\n{stdout}\n{stderr}");
        var path = Path.Combine(output, "KvmMetrics.Exporter");
        Assert.True(File.Exists(path), $"{path} was not produced by the publish");
        return path;
    }
}
