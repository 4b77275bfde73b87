using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.TestSupport.Promtool;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Service;

public sealed class AnalyzerAppTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-serve-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string DataDir => Path.Combine(_dir.FullName, "data");

    /// <summary>The bundled sample written out as the files source (cluster JSON + gzip CSV).</summary>
    private FileSource SampleFiles()
    {
        var cluster = Path.Combine(_dir.FullName, "cluster.json");
        var history = Path.Combine(_dir.FullName, "history.csv.gz");
        if (!File.Exists(cluster))
        {
            BundledSample.WriteFiles(_dir.FullName);
        }

        return new FileSource(cluster, history);
    }

    private AnalyzerApp Create(IAnalysisSource source, string? tokenFile = null) =>
        AnalyzerApp.Create(new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = DataDir, ApiTokenFile = tokenFile }, source, runSchedule: false, logLevel: LogLevel.Warning);

    private static async Task<(HttpStatusCode Status, string Body)> Get(AnalyzerApp app, string path, string? token = null)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serve_WithFileSource_AnswersEveryEndpoint()
    {
        await using var app = Create(SampleFiles());
        await app.StartAsync();
        var (before, _) = await Get(app, "/api/v1/plan");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before);

        await app.Runner.RunOnceAsync(CancellationToken.None);

        var (s1, hotspots) = await Get(app, "/api/v1/hotspots");
        Assert.Equal(HttpStatusCode.OK, s1);
        using (var doc = JsonDocument.Parse(hotspots))
        {
            Assert.True(doc.RootElement.GetProperty("sourceUp").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("data").GetProperty("report").GetProperty("findings").GetArrayLength() > 0);
        }

        var (s2, plan) = await Get(app, "/api/v1/plan");
        Assert.Equal(HttpStatusCode.OK, s2);
        using (var doc = JsonDocument.Parse(plan))
        {
            Assert.Equal(7, doc.RootElement.GetProperty("data").GetProperty("hostsBefore").GetArrayLength());
        }

        var (s3, capacity) = await Get(app, "/api/v1/capacity");
        Assert.Equal(HttpStatusCode.OK, s3);
        Assert.Contains("\"reclaimableVcpus\"", capacity, StringComparison.Ordinal);

        var (s4, forecast) = await Get(app, "/api/v1/forecasts/kvm03");
        Assert.Equal(HttpStatusCode.OK, s4);
        using (var doc = JsonDocument.Parse(forecast))
        {
            var f = doc.RootElement.GetProperty("data")[0];
            Assert.Equal("cpu_cores", f.GetProperty("metric").GetString());
            Assert.Equal(24, f.GetProperty("mean").GetArrayLength());
            Assert.Equal(24, f.GetProperty("upper95").GetArrayLength());
        }

        var (s5, missing) = await Get(app, "/api/v1/forecasts/nohost");
        Assert.Equal(HttpStatusCode.NotFound, s5);
        Assert.Contains("kvm01", missing, StringComparison.Ordinal);

        var (s6, health) = await Get(app, "/healthz");
        Assert.Equal((HttpStatusCode.OK, "ok\n"), (s6, health));
        var (s7, overview) = await Get(app, "/");
        Assert.Equal(HttpStatusCode.OK, s7);
        Assert.Contains("Recommended migrations", overview, StringComparison.Ordinal);

        var (s8, metrics) = await Get(app, "/metrics");
        Assert.Equal(HttpStatusCode.OK, s8);
        Assert.Contains("kvm_analyzer_host_hotspot{host=\"kvm03\",rule=\"cpu-sustained\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_cluster_time_until_full_seconds{resource=\"cpu\",estimate=\"expected\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_source_up 1", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_analysis_runs_total{task=\"plan\",result=\"success\"} 1", metrics, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^process_resident_memory_bytes [1-9]", metrics); // its own resource use, for leak alerts

        // The sample ends in 2026-09: against the wall clock it is old, and the service says so.
        Assert.Contains("kvm_analyzer_data_stale 1", metrics, StringComparison.Ordinal);
        if (KvmMetrics.TestSupport.Requirements.FindTool("promtool") is not null)
        {
            var check = PromtoolRunner.CheckMetrics(metrics);
            Assert.False(check.IsParseError, check.Output);
        }
    }

    [Fact]
    public async Task CorruptStateFile_IsMovedAsideReportedAndRebuilt()
    {
        Directory.CreateDirectory(DataDir);
        await File.WriteAllTextAsync(Path.Combine(DataDir, AnalysisRunner.ResultsFile), "{\"hotspots\": [garbage");
        await using var app = Create(SampleFiles());
        await app.StartAsync();
        Assert.Equal(1, app.Runner.Store.Rebuilt[AnalysisRunner.ResultsFile]);
        Assert.True(File.Exists(Path.Combine(DataDir, AnalysisRunner.ResultsFile + ".corrupt")));
        Assert.Null(app.Runner.Status.Plan);

        await app.Runner.RunOnceAsync(CancellationToken.None);
        using (JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDir, AnalysisRunner.ResultsFile))))
        {
        }

        var (_, metrics) = await Get(app, "/metrics");
        Assert.Contains("kvm_analyzer_state_rebuilt_total{file=\"results.json\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceDown_KeepsLastGoodPlan_AndReportsStaleness_AcrossRestart()
    {
        await using (var first = Create(SampleFiles()))
        {
            await first.StartAsync();
            await first.Runner.RunOnceAsync(CancellationToken.None);
            Assert.NotNull(first.Runner.Status.Plan);
        }

        // Restart against a Prometheus URL where nothing listens: the saved plan is served, marked stale.
        var down = new PrometheusSource(new PrometheusSourceOptions { Url = new Uri("http://127.0.0.1:9/"), Attempts = 2, Backoff = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(2) });
        await using var app = Create(down);
        await app.StartAsync();
        await app.Runner.RunOnceAsync(CancellationToken.None);
        Assert.False(app.Runner.Status.SourceUp);
        Assert.Contains("127.0.0.1:9", app.Runner.Status.Tasks["load"].LastError, StringComparison.Ordinal);

        var (status, plan) = await Get(app, "/api/v1/plan");
        Assert.Equal(HttpStatusCode.OK, status);
        using var doc = JsonDocument.Parse(plan);
        Assert.True(doc.RootElement.GetProperty("stale").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("sourceUp").GetBoolean());
        Assert.Equal(7, doc.RootElement.GetProperty("data").GetProperty("hostsBefore").GetArrayLength());

        var (_, metrics) = await Get(app, "/metrics");
        Assert.Contains("kvm_analyzer_source_up 0", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_data_stale 1", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_analysis_runs_total{task=\"load\",result=\"failure\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_migrations_pending", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiToken_IsRequiredForTheApi_ButNotForMetricsOrHealth()
    {
        var tokenFile = Path.Combine(_dir.FullName, "token");
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        await using var app = Create(SampleFiles(), tokenFile);
        await app.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(app, "/api/v1/status")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(app, "/api/v1/status", "wrong")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get(app, "/api/v1/status", "s3cret-token")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get(app, "/metrics")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get(app, "/healthz")).Status);
    }

    [Fact]
    public async Task Api_IsReadOnly()
    {
        await using var app = Create(SampleFiles());
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await http.PostAsync("/api/v1/plan", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData(new[] { "--interval.hotspots", "10m", "--interval.plan", "5m" }, "--interval.plan")]
    [InlineData(new[] { "--interval.hotspots", "2s" }, "--interval.hotspots: '2s' is out of range; accepted: a duration 10s..1h")]
    [InlineData(new[] { "--web.listen-address", "nonsense" }, "--web.listen-address")]
    [InlineData(new[] { "--api.token-file", "/nonexistent/token" }, "--api.token-file")]
    [InlineData(new[] { "--hotspots.min-step", "5s" }, "--hotspots.min-step: '5s' is out of range; accepted: a duration 15s..1h")]
    [InlineData(new[] { "--hotspots.min-step", "2h" }, "--hotspots.min-step: '2h' is out of range")]
    public void Options_OutOfRange_AreRejectedNamingTheFlag(string[] args, string message)
    {
        var e = Assert.Throws<UsageException>(() => AnalyzerServiceOptions.Parse(new CommandArgs(args)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeCommand_WithBadOption_ExitsWithUsageError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Program.RunAsync(["serve", "--interval.plan", "1m", "--interval.hotspots", "5m"], new CommandContext(stdout, stderr, TimeProvider.System), CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("--interval.plan", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TokenMatches_OnlyTheExactBearerToken()
    {
        Assert.True(AnalyzerApp.TokenMatches("Bearer abc", "abc"));
        Assert.False(AnalyzerApp.TokenMatches("Bearer abd", "abc"));
        Assert.False(AnalyzerApp.TokenMatches("Basic abc", "abc"));
        Assert.False(AnalyzerApp.TokenMatches("", "abc"));
    }
}
