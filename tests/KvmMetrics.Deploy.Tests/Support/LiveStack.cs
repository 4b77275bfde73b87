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
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>
/// The whole monitoring path, real end to end, shared by the dashboard query and alert delivery tests:
/// guests on the local libvirtd (spinning, disk-reading, idle with a NIC, paused) → the exporter (in-process,
/// filtered to exactly these guests) and the analyzer's <c>serve</c> on the bundled sample as a files source →
/// a real Prometheus (job kvm-exporter / kvm-analyzer, the rules of alerts/ plus a fast copy of one alert) →
/// a real Alertmanager with the example config (receivers pointed at <see cref="Webhook"/>).
/// Started lazily from inside a test so a missing component skips (locally) instead of failing the fixture.
/// </summary>
public sealed class LiveStack : IAsyncLifetime
{
    /// <summary>The alert the end-to-end copy makes fire quickly (threshold 0.1 instead of 0.9, for 0s instead of 15m).</summary>
    public const string FastAlert = "KvmHostCpuSaturated";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<TestGuest> _guests = [];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kmt-deploy-");
    private Exception? _startFailure;
    private bool _started;
    private Process? _alertmanager;
    private readonly StringBuilder _alertmanagerLog = new();

    public string Suffix { get; } = "-dpl" + Guid.NewGuid().ToString("N")[..6];

    public ExporterApp Exporter { get; private set; } = null!;

    public AnalyzerApp Analyzer { get; private set; } = null!;

    public PrometheusServer Prometheus { get; private set; } = null!;

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

    public async Task EnsureAsync()
    {
        var host = LibvirtTestHost.Require();
        Requirements.RequireTool("prometheus");
        var alertmanager = Requirements.RequireTool("prometheus-alertmanager");
        await _gate.WaitAsync();
        try
        {
            if (_startFailure is not null)
            {
                throw new InvalidOperationException("the live stack failed to start earlier", _startFailure);
            }

            if (_started)
            {
                return;
            }

            try
            {
                await StartAsync(host, alertmanager);
                _started = true;
            }
            catch (Exception e)
            {
                _startFailure = e;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartAsync(LibvirtTestHost host, string alertmanagerBinary)
    {
        var options = new GuestOptions { NameSuffix = Suffix };
        _guests.Add(await GuestFactory.CreateAsync(host, GuestKind.Spin, options));
        _guests.Add(await GuestFactory.CreateAsync(host, GuestKind.DiskReader, options));
        _guests.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle, options with { Network = true }));
        _guests.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle, options with { Paused = true }));

        var parsed = ExporterOptions.Parse(["--web.listen-address=127.0.0.1:0", "--domain.include=.*" + Suffix, "--log.level=warning"], new Hashtable());
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Exporter = ExporterApp.Create(parsed.Options!);
        await Exporter.StartAsync();

        var (cluster, history) = BundledSample.WriteFiles(_dir.FullName);

        Analyzer = AnalyzerApp.Create(
            new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(_dir.FullName, "analyzer") },
            new FileSource(cluster, history), runSchedule: false, logLevel: LogLevel.Warning);
        await Analyzer.StartAsync();
        await Analyzer.Runner.RunOnceAsync(CancellationToken.None);

        Webhook = WebhookReceiver.Start();
        AlertmanagerAddress = await StartAlertmanagerAsync(alertmanagerBinary);

        var rules = await File.ReadAllTextAsync(RuleFiles.MainFile);
        var fast = Path.Combine(_dir.FullName, "e2e.rules.yml");
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
        var configPath = Path.Combine(_dir.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(configPath, config);
        var port = FreePort();
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.FullName,
        };
        foreach (var a in new[]
                 {
                     "--config.file=" + configPath, "--storage.path=" + Path.Combine(_dir.FullName, "am-data"),
                     "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--cluster.listen-address=",
                     "--log.level=warn",
                 })
        {
            psi.ArgumentList.Add(a);
        }

        _alertmanager = Process.Start(psi) ?? throw new InvalidOperationException("alertmanager did not start");
        _alertmanager.OutputDataReceived += (_, e) => AppendLog(e.Data);
        _alertmanager.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        _alertmanager.BeginOutputReadLine();
        _alertmanager.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var stop = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < stop && !_alertmanager.HasExited)
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

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        if (_alertmanager is not null)
        {
            try
            {
                if (!_alertmanager.HasExited)
                {
                    _alertmanager.Kill(entireProcessTree: true);
                    await _alertmanager.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            _alertmanager.Dispose();
        }

        Webhook?.Dispose();
        if (Analyzer is not null)
        {
            await Analyzer.DisposeAsync();
        }

        if (Exporter is not null)
        {
            await Exporter.DisposeAsync();
        }

        await GuestFactory.DisposeAllAsync(_guests);
        _gate.Dispose();
        try
        {
            _dir.Delete(true);
        }
        catch (IOException)
        {
            // a file still held by a dying process
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveStackCollection : ICollectionFixture<LiveStack>
{
    public const string Name = "live monitoring stack";
}
