using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport.Influx;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Service;

/// <summary><c>serve</c> with <c>--influx.write</c> against a REAL influxd 1.6 that is down at first and started later.</summary>
public sealed class AnalyzerAppWriteBackTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-serve-writeback-");

    public void Dispose() => _dir.Delete(recursive: true);

    [SkippableFact]
    public async Task Serve_InfluxdDown_ResultsBufferedAndShown_ThenWrittenAfterRestart()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await influxd.CreateDatabaseAsync("serve");
        await influxd.KillAsync();
        var options = new InfluxWriteOptions
        {
            Connection = new InfluxConnectionOptions { Url = influxd.Url, Database = db, Timeout = TimeSpan.FromSeconds(2) },
            Precision = KvmMetrics.Influx.LineProtocol.WritePrecision.Seconds,
            BufferDirectory = Path.Combine(_dir.FullName, "influx-buffer"),
            RetryInitialDelay = TimeSpan.FromMilliseconds(200),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        await using var results = new InfluxResultWriter(options);
        await using var app = AnalyzerApp.Create(
            new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(_dir.FullName, "data") },
            SampleFiles(), runSchedule: false, logLevel: LogLevel.Warning, results: results);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // Before any result: the families are there, at zero, and the status names the target.
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(0, Value(metrics, "kvm_analyzer_influx_points_written_total"));
        Assert.Equal(0, Value(metrics, "kvm_analyzer_influx_last_success_timestamp_seconds"));

        await app.Runner.RunOnceAsync(CancellationToken.None);
        Assert.NotNull(app.Runner.Status.Plan);
        metrics = await WaitForAsync(http, m => Value(m, "kvm_analyzer_influx_retries_total") > 0);
        var buffered = Value(metrics, "kvm_analyzer_influx_buffer_points");
        Assert.True(buffered > 0, metrics);
        Assert.Equal(0, Value(metrics, "kvm_analyzer_influx_up"));
        Assert.Equal(0, Value(metrics, "kvm_analyzer_influx_points_written_total"));
        Assert.Equal(0, Value(metrics, "kvm_analyzer_influx_points_dropped_total{reason=\"buffer_full\"}"));
        using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/v1/status")))
        {
            var writeBack = status.RootElement.GetProperty("data").GetProperty("writeBack");
            Assert.False(writeBack.GetProperty("up").GetBoolean());
            Assert.True(writeBack.GetProperty("pointsBuffered").GetInt64() > 0);
            Assert.Equal(0, writeBack.GetProperty("pointsWritten").GetInt64());
            Assert.StartsWith(influxd.Url.GetLeftPart(UriPartial.Authority), writeBack.GetProperty("target").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(writeBack.GetProperty("lastError").GetString()));
            Assert.Equal(0, writeBack.GetProperty("pointsDropped").GetProperty("rejected").GetInt64());
        }

        await influxd.StartAsync();
        metrics = await WaitForAsync(http, m => Value(m, "kvm_analyzer_influx_buffer_points") == 0 && Value(m, "kvm_analyzer_influx_up") == 1);
        var written = Value(metrics, "kvm_analyzer_influx_points_written_total");
        Assert.True(written >= buffered, $"written {written} < buffered {buffered}");
        Assert.True(Value(metrics, "kvm_analyzer_influx_last_success_timestamp_seconds") > 0);
        using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/v1/status")))
        {
            var writeBack = status.RootElement.GetProperty("data").GetProperty("writeBack");
            Assert.True(writeBack.GetProperty("up").GetBoolean());
            Assert.Equal(0, writeBack.GetProperty("pointsBuffered").GetInt64());
            Assert.Equal(0, writeBack.GetProperty("totalDropped").GetInt64());
        }

        // What the counter says arrived is in influxd.
        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = influxd.Url, Database = db });
        var count = (await query.QueryInfluxQlAsync("SELECT count(moves) FROM kvm_analyzer_plan")).EnsureSuccess().AllSeries.Single();
        Assert.Equal(1L, count.Values.Single()[1]);
    }

    [Fact]
    public async Task Serve_WithoutWriteBack_StatusSaysSo_AndMetricsHaveNoInfluxFamilies()
    {
        await using var app = AnalyzerApp.Create(
            new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(_dir.FullName, "data") },
            SampleFiles(), runSchedule: false, logLevel: LogLevel.Warning);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Assert.DoesNotContain("kvm_analyzer_influx_", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/v1/status"));
        Assert.Equal(JsonValueKind.Null, status.RootElement.GetProperty("data").GetProperty("writeBack").ValueKind);
    }

    /// <summary>The bundled sample written out as the files source (cluster JSON + gzip CSV).</summary>
    private FileSource SampleFiles()
    {
        var (cluster, history) = BundledSample.WriteFiles(_dir.FullName);
        return new FileSource(cluster, history);
    }

    /// <summary>The value of the sample <paramref name="series"/> (name and labels as exposed) in a text exposition.</summary>
    private static double Value(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{series} not in /metrics:\n{exposition}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<string> WaitForAsync(HttpClient http, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string metrics;
        do
        {
            metrics = await http.GetStringAsync("/metrics");
            if (condition(metrics))
            {
                return metrics;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail("condition not met within 30 s; last /metrics:\n" + metrics);
        return metrics;
    }
}
