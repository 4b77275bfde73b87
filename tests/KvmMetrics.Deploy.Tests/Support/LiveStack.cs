using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Prometheus;
using KvmMetrics.TestSupport.Stack;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>
/// The whole monitoring path, real end to end, shared by the dashboard query and alert delivery tests:
/// guests on the local libvirtd (spinning, disk-reading, idle with a NIC, paused) → the exporter (in-process,
/// filtered to exactly these guests) and the analyzer's <c>serve</c> on the bundled sample as a files source →
/// a real Prometheus (job kvm-exporter / kvm-analyzer, the rules of alerts/ plus a fast copy of one alert) →
/// a real Alertmanager with the example config (receivers pointed at <see cref="Webhook"/>).
/// Built by the shared <see cref="StackFixture"/> (once per collection, lazily, everything stopped at disposal).
/// </summary>
public sealed class LiveStack() : StackFixture("-dpl")
{
    /// <summary>The alert the end-to-end copy makes fire quickly (threshold 0.1 instead of 0.9, for 0s instead of 15m).</summary>
    public const string FastAlert = "KvmHostCpuSaturated";

    private readonly StringBuilder _alertmanagerLog = new();

    public ExporterApp Exporter { get; private set; } = null!;

    public AnalyzerApp Analyzer { get; private set; } = null!;

    public WebhookReceiver Webhook { get; private set; } = null!;

    public Uri AlertmanagerAddress { get; private set; } = null!;

    public string AlertmanagerLog
    {
        get
        {
            lock (_alertmanagerLog)
            {
                return _alertmanagerLog.ToString();
            }
        }
    }

    protected override IEnumerable<string> RequiredTools => ["prometheus", "prometheus-alertmanager"];

    protected override async Task StartAsync(LibvirtTestHost host, IReadOnlyDictionary<string, string> tools)
    {
        await AddGuestAsync(host, GuestKind.Spin);
        await AddGuestAsync(host, GuestKind.DiskReader);
        await AddGuestAsync(host, GuestKind.Idle, new GuestOptions { Network = true });
        await AddGuestAsync(host, GuestKind.Idle, new GuestOptions { Paused = true });

        var parsed = ExporterOptions.Parse(["--web.listen-address=127.0.0.1:0", "--domain.include=.*" + Suffix, "--log.level=warning"], new Hashtable());
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Exporter = Own(ExporterApp.Create(parsed.Options!));
        await Exporter.StartAsync();

        var (cluster, history) = BundledSample.WriteFiles(WorkDirectory.FullName);

        Analyzer = Own(AnalyzerApp.Create(
            new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(WorkDirectory.FullName, "analyzer") },
            new FileSource(cluster, history), runSchedule: false, logLevel: LogLevel.Warning));
        await Analyzer.StartAsync();
        await Analyzer.Runner.RunOnceAsync(CancellationToken.None);

        Webhook = WebhookReceiver.Start();
        Own(new Disposing(Webhook));
        AlertmanagerAddress = await StartAlertmanagerAsync(tools["prometheus-alertmanager"]);

        var rules = await File.ReadAllTextAsync(RuleFiles.MainFile);
        var fast = Path.Combine(WorkDirectory.FullName, "e2e.rules.yml");
        await File.WriteAllTextAsync(fast, FastCopy(rules));
        var extra = $"""
              - job_name: 'kvm-analyzer'
                static_configs:
                  - targets: ['{Analyzer.BaseAddress.Authority}']
            rule_files:
              - '{RuleFiles.MainFile}'
              - '{fast}'
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['{AlertmanagerAddress.Authority}']

            """;
        Prometheus = await PrometheusServer.StartAsync([Exporter.BaseAddress.Authority], "kvm-exporter", extraConfig: extra);
    }

    /// <summary>The <see cref="FastAlert"/> rule of alerts/ alone, with a low threshold and no <c>for:</c> wait (it reads the real recording rules).</summary>
    public static string FastCopy(string rules)
    {
        var alert = RuleFiles.Parse(rules).Alerts.Single(a => a.Alert == FastAlert);
        Assert.EndsWith("> 0.9", alert.Expr, StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("groups:\n  - name: e2e-fast\n    rules:\n      - alert: ").Append(FastAlert).Append('\n');
        sb.Append("        expr: '").Append(alert.Expr[..^"0.9".Length]).Append("0.1'\n");
        sb.Append("        for: 0s\n        labels:\n");
        foreach (var (k, v) in alert.Labels)
        {
            sb.Append("          ").Append(k).Append(": '").Append(v.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        sb.Append("        annotations:\n");
        foreach (var (k, v) in alert.Annotations)
        {
            sb.Append("          ").Append(k).Append(": '").Append(v.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        return sb.ToString();
    }

    private async Task<Uri> StartAlertmanagerAsync(string binary)
    {
        var config = (await File.ReadAllTextAsync(RepoPaths.InRepo("deploy", "alertmanager", "alertmanager.yml")))
            .Replace("http://alert-router.example.internal:9095", Webhook.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal)
            // Test pacing only: deliver the first notification of a group after 1 s instead of 10-30 s.
            .Replace("group_wait: 30s", "group_wait: 1s", StringComparison.Ordinal)
            .Replace("group_wait: 10s", "group_wait: 1s", StringComparison.Ordinal);
        Assert.Contains(Webhook.BaseAddress.Authority, config, StringComparison.Ordinal);
        var configPath = Path.Combine(WorkDirectory.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(configPath, config);
        var port = FreePort();
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDirectory.FullName,
        };
        foreach (var a in new[]
                 {
                     "--config.file=" + configPath, "--storage.path=" + Path.Combine(WorkDirectory.FullName, "am-data"),
                     "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--cluster.listen-address=",
                     "--log.level=warn",
                 })
        {
            psi.ArgumentList.Add(a);
        }

        var alertmanager = Process.Start(psi) ?? throw new InvalidOperationException("alertmanager did not start");
        Own(new KilledAtDisposal(alertmanager));
        alertmanager.OutputDataReceived += (_, e) => AppendLog(e.Data);
        alertmanager.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        alertmanager.BeginOutputReadLine();
        alertmanager.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var stop = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < stop && !alertmanager.HasExited)
        {
            try
            {
                using var r = await http.GetAsync(new Uri("-/ready", UriKind.Relative));
                if (r.IsSuccessStatusCode)
                {
                    return address;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException("alertmanager did not become ready: " + AlertmanagerLog);
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_alertmanagerLog)
        {
            if (_alertmanagerLog.Length < 64 * 1024)
            {
                _alertmanagerLog.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private sealed class Disposing(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class KilledAtDisposal(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            process.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveStackCollection : ICollectionFixture<LiveStack>
{
    public const string Name = "live monitoring stack";
}
