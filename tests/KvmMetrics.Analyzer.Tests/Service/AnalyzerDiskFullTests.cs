using System.Net;
using System.Text.Json;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.TestSupport;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Service;

/// <summary>The analyzer's state directory (--data.dir) on a real, small tmpfs that runs full.</summary>
[Trait("Category", "Integration")]
public sealed class AnalyzerDiskFullTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-diskfull-");

    public void Dispose() => _dir.Delete(recursive: true);

    private FileSource SampleFiles()
    {
        var (cluster, history) = BundledSample.WriteFiles(_dir.FullName);
        return new FileSource(cluster, history);
    }

    private static AnalyzerApp Create(IAnalysisSource source, string dataDir) =>
        AnalyzerApp.Create(new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = dataDir }, source, runSchedule: false, logLevel: LogLevel.Warning);

    private static async Task<(HttpStatusCode Status, string Body)> Get(AnalyzerApp app, string path)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static double Metric(string page, string series) =>
        double.Parse(page.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task StateDirFull_KeepsServing_CountsWriteErrors_SavesWhenSpaceReturns_NoCorruptState()
    {
        using var disk = TmpfsMount.Require(4096);
        var data = Path.Combine(disk.Path, "data");
        var source = SampleFiles();
        await using (var app = Create(source, data))
        {
            await app.StartAsync();
            disk.Fill();

            await app.Runner.RunOnceAsync(CancellationToken.None);

            // Still serving the new analysis from memory, and saying what it could not save.
            Assert.Equal(HttpStatusCode.OK, (await Get(app, "/api/v1/plan")).Status);
            var (_, full) = await Get(app, "/metrics");
            Assert.True(Metric(full, "kvm_analyzer_state_write_errors_total{file=\"results.json\"}") >= 1, full);
            Assert.True(Metric(full, "kvm_analyzer_state_write_errors_total{file=\"placement.json\"}") >= 1, full);
            Assert.Equal(1, Metric(full, "kvm_analyzer_analysis_runs_total{task=\"report\",result=\"failure\"}"));
            Assert.Contains("No space left on device", app.Runner.Status.Tasks["report"].LastError, StringComparison.Ordinal);
            // Nothing half-written is left behind to hold the space or be mistaken for state.
            Assert.Empty(Directory.GetFiles(data, "*.tmp", SearchOption.AllDirectories));
            Assert.False(File.Exists(Path.Combine(data, AnalysisRunner.ResultsFile)));

            disk.Free();
            await app.Runner.RunOnceAsync(CancellationToken.None);

            var (_, after) = await Get(app, "/metrics");
            Assert.Equal(Metric(full, "kvm_analyzer_state_write_errors_total{file=\"results.json\"}"), Metric(after, "kvm_analyzer_state_write_errors_total{file=\"results.json\"}"));
            Assert.Equal(1, Metric(after, "kvm_analyzer_analysis_runs_total{task=\"report\",result=\"success\"}"));
            using (JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, AnalysisRunner.ResultsFile))))
            {
            }

            Assert.Empty(Directory.GetFiles(data, "*.tmp", SearchOption.AllDirectories));
        }

        // A restart on the same directory finds valid state: the plan is served before any new analysis, nothing rebuilt.
        await using var again = Create(source, data);
        await again.StartAsync();
        Assert.Empty(again.Runner.Store.Rebuilt);
        Assert.Equal(HttpStatusCode.OK, (await Get(again, "/api/v1/plan")).Status);
    }
}
