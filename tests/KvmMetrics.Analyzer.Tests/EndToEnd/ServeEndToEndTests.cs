using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvmMetrics.Analyzer.Cli;
using Xunit.Abstractions;

namespace KvmMetrics.Analyzer.Tests.EndToEnd;

/// <summary>
/// The product path an operator runs: <c>kvm-analyzer serve --source prometheus</c> (through <see cref="Program.RunAsync"/>,
/// so the command line is parsed as in production) against the real Prometheus of <see cref="FleetFixture"/>, read back
/// through its HTTP API and <c>/metrics</c>.
/// </summary>
[Collection(FleetCollection.Name)]
[Trait("Category", "Integration")]
public sealed partial class ServeEndToEndTests(FleetFixture fleet, ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("kvm-e2e-serve-");

    public void Dispose() => _data.Delete(recursive: true);

    [SkippableFact]
    public async Task Serve_FindsTheHostWithSpinningGuestsHot_AndPlansMovingOneToTheIdleHost_LeavingOutTheHostWhoseExporterStopped()
    {
        await fleet.EnsureAsync();
        var spinners = fleet.GuestsByHost["a"];
        using var stop = new CancellationTokenSource();
        var stderr = new LockedWriter();
        string[] args =
        [
            "serve", "--web.listen-address", "127.0.0.1:0", "--data.dir", _data.FullName,
            "--source", "prometheus", "--prometheus.url", fleet.Prometheus.BaseAddress.AbsoluteUri,
            "--prometheus.lookback", "1h", "--prometheus.step", "15s", "--prometheus.rate-window", "5s",
            "--hotspots.min-step", "15s", "--stale-after", "1m", "--interval.hotspots", "10s", "--interval.plan", "10s",
        ];
        var serve = Task.Run(() => Program.RunAsync(args, new CommandContext(TextWriter.Null, stderr, TimeProvider.System), stop.Token));
        try
        {
            using var http = new HttpClient { BaseAddress = await ListeningAddressAsync(serve, stderr), Timeout = TimeSpan.FromSeconds(30) };
            var (hotspots, plan) = await FirstResultsAsync(http, serve, stderr);
            output.WriteLine("hotspots: " + hotspots);
            output.WriteLine("plan: " + plan);
            output.WriteLine("status: " + await http.GetStringAsync("/api/v1/status"));
            output.WriteLine("targets: " + string.Join("; ", await fleet.Prometheus.TargetsAsync()));

            // Host a (two spinning 1-vCPU guests, 2 cores) is hot on CPU; b (one idle guest) is not.
            var findings = hotspots.GetProperty("data").GetProperty("report").GetProperty("findings").EnumerateArray().ToArray();
            var context = "hotspots: " + hotspots + "\nplan: " + plan;
            Assert.Contains(findings, f => f.GetProperty("host").GetString() == "a" && f.GetProperty("rule").GetString() == "cpu-sustained"
                                           && f.GetProperty("end").ValueKind == JsonValueKind.Null);
            Assert.DoesNotContain(findings, f => f.GetProperty("host").GetString() == "b");

            // Host c's exporter stopped: reported, and neither analysed nor offered as a target.
            Assert.Equal(["c"], hotspots.GetProperty("insufficientHosts").EnumerateArray().Select(h => h.GetString()));
            Assert.False(hotspots.GetProperty("stale").GetBoolean(), context);
            Assert.DoesNotContain(findings, f => f.GetProperty("host").GetString() == "c");

            // The plan moves exactly one spinning guest from a to b, because a is forecast hot.
            var moves = plan.GetProperty("data").GetProperty("moves").EnumerateArray().ToArray();
            var move = Assert.Single(moves);
            Assert.Contains(move.GetProperty("vm").GetString(), spinners);
            Assert.Equal(("a", "b", "hotspot"), (move.GetProperty("from").GetString(), move.GetProperty("to").GetString(), move.GetProperty("kind").GetString()));
            Assert.Equal(["a", "b"], plan.GetProperty("data").GetProperty("hostsBefore").EnumerateArray().Select(h => h.GetProperty("host").GetString()).Order(StringComparer.Ordinal));

            var status = await http.GetStringAsync("/api/v1/status");
            Assert.Contains("host c: its newest cpu_cores sample", status, StringComparison.Ordinal);

            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("kvm_analyzer_host_hotspot{host=\"a\",rule=\"cpu-sustained\"} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_host_hotspot{host=\"b\",rule=\"cpu-sustained\"} 0\n", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_host_data_insufficient{host=\"c\"} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains($"kvm_analyzer_migration_recommended{{vm=\"{move.GetProperty("vm").GetString()}\",from=\"a\",to=\"b\",kind=\"hotspot\"}} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_source_up 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_data_stale 0\n", metrics, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            var code = await serve.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(code is 0 or 130, $"serve exited with {code}: {stderr}");
        }
    }

    /// <summary>The address from serve's "listening on" line (port 0 picks a free one).</summary>
    private static async Task<Uri> ListeningAddressAsync(Task<int> serve, LockedWriter stderr)
    {
        for (var i = 0; i < 300; i++)
        {
            var m = ListeningLine().Match(stderr.ToString());
            if (m.Success)
            {
                return new Uri(m.Groups[1].Value);
            }

            Assert.False(serve.IsCompleted, "serve stopped: " + stderr);
            await Task.Delay(100);
        }

        Assert.Fail("serve did not report its address: " + stderr);
        return null!;
    }

    /// <summary>Waits for the first analysis (serve runs it at start, then every 10 s).</summary>
    private static async Task<(JsonElement Hotspots, JsonElement Plan)> FirstResultsAsync(HttpClient http, Task<int> serve, LockedWriter stderr)
    {
        for (var i = 0; i < 120; i++)
        {
            using var hot = await http.GetAsync("/api/v1/hotspots");
            using var plan = await http.GetAsync("/api/v1/plan");
            if (hot.StatusCode == HttpStatusCode.OK && plan.StatusCode == HttpStatusCode.OK)
            {
                return (JsonDocument.Parse(await hot.Content.ReadAsStringAsync()).RootElement.Clone(), JsonDocument.Parse(await plan.Content.ReadAsStringAsync()).RootElement.Clone());
            }

            Assert.False(serve.IsCompleted, "serve stopped: " + stderr);
            await Task.Delay(500);
        }

        Assert.Fail("no analysis result within 60 s: " + await http.GetStringAsync("/api/v1/status"));
        return default;
    }

    [GeneratedRegex(@"listening on (http://\S+/)")]
    private static partial Regex ListeningLine();

    /// <summary>serve's stderr, written from the service's thread and read from the test's.</summary>
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
