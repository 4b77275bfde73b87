using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.TestSupport.Influx;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Sources;

/// <summary>A Prometheus (or a proxy in front of it) that answers with garbage: a clear error, never a crash, the service stays up.</summary>
public sealed class PrometheusSourceGarbageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-promgarbage-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<int, string, string> Garbage => new()
    {
        { 200, "<html><body>Welcome to nginx</body></html>", "text/html" },
        { 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":\"nope\"}}", "application/json" },
        { 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[\"x\",\"NaN\"]}]}}", "application/json" },
        { 200, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}", "application/json" },
        { 200, "\u0000\u0001\u00ff", "application/octet-stream" },
        { 200, "{\"status\":\"success\",\"data\":" + new string('[', 5000), "application/json" },
        { 502, "<html>Bad Gateway</html>", "text/html" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task GarbageAnswer_LoadFailsWithTheUrl_ServiceStaysUpAndSaysSo(int status, string body, string contentType)
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(status, body, contentType));
        var source = new PrometheusSource(new PrometheusSourceOptions { Url = server.Url, Attempts = 2, Backoff = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromSeconds(5) });

        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(1_700_000_000, CancellationToken.None));
        Assert.Contains(server.Url.Authority, e.Message, StringComparison.Ordinal);

        await using var app = AnalyzerApp.Create(new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(_dir.FullName, "data") }, source, runSchedule: false, logLevel: LogLevel.Critical);
        await app.StartAsync();
        await app.Runner.RunOnceAsync(CancellationToken.None);
        Assert.False(app.Runner.Status.SourceUp);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("kvm_analyzer_source_up 0", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_analysis_runs_total{task=\"load\",result=\"failure\"} 1", metrics, StringComparison.Ordinal);
    }
}
