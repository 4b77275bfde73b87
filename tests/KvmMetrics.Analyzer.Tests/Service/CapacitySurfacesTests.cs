using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Tests.Report;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Service;

/// <summary>
/// One capacity model behind every surface: the API's time until full, the /metrics gauge and the terminal line of
/// <c>report</c> on the same files and time say the same thing (each read from its own rendered output).
/// </summary>
public sealed partial class CapacitySurfacesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-capacity-surfaces-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ApiMetricsAndReport_GiveTheSameTimeUntilFull()
    {
        BundledSample.WriteFiles(_dir.FullName);
        var cluster = Path.Combine(_dir.FullName, "cluster.json");
        var history = Path.Combine(_dir.FullName, "history.csv.gz");
        await using var app = AnalyzerApp.Create(
            new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(_dir.FullName, "data") },
            new KvmMetrics.Analyzer.Sources.FileSource(cluster, history), runSchedule: false, logLevel: LogLevel.Warning);
        await app.StartAsync();
        await app.Runner.RunOnceAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var api = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/capacity", UriKind.Relative)));
        var data = api.RootElement.GetProperty("data");
        var rows = data.GetProperty("resources").EnumerateArray().Where(r => r.GetProperty("scope").GetString() == "cluster").ToDictionary(r => r.GetProperty("resource").GetString()!);
        var cpuFull = rows["cpu"].GetProperty("full");
        Assert.Equal("demand", rows["cpu"].GetProperty("binding").GetString());
        Assert.Equal("allocation", rows["memory"].GetProperty("binding").GetString());
        Assert.Equal(0, rows["memory"].GetProperty("full").GetProperty("days").GetDouble());
        Assert.True(rows["memory"].GetProperty("allocationView").GetProperty("headroom").GetDouble() < 0);
        var cpuDays = cpuFull.GetProperty("days").GetDouble();

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(cpuDays * 86_400, Gauge(metrics, "cpu", "expected"), 0);
        Assert.Equal(0, Gauge(metrics, "memory", "expected"));
        Assert.Equal(cpuFull.GetProperty("earliest").GetDouble() * 86_400, Gauge(metrics, "cpu", "conservative"), 0);

        var now = data.GetProperty("time").GetInt64().ToString(CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = SampleReportFixture.Run(["report", "--cluster", cluster, "--history", history, "--now", now, "--output", Path.Combine(_dir.FullName, "out"), "--pdf", "off"]);
        Assert.True(code == 0, stderr);
        var line = CpuLineRegex().Match(stdout);
        Assert.True(line.Success, stdout);
        Assert.Equal(Math.Round(cpuDays).ToString(CultureInfo.InvariantCulture), line.Groups[1].Value);
        Assert.Contains("memory full in now, allocation binds", stdout, StringComparison.Ordinal);
    }

    private static double Gauge(string metrics, string resource, string estimate)
    {
        var m = Regex.Match(metrics, "(?m)^kvm_analyzer_cluster_time_until_full_seconds\\{resource=\"" + resource + "\",estimate=\"" + estimate + "\"\\} (\\S+)$");
        Assert.True(m.Success, $"no until-full gauge for {resource}/{estimate}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"CPU full in (\d+) d \(90%: [^)]*\), demand binds;")]
    private static partial Regex CpuLineRegex();
}
