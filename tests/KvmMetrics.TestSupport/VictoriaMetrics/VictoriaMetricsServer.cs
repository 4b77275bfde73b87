using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.TestSupport.VictoriaMetrics;

/// <summary>
/// A real single-node <c>victoria-metrics</c> (Debian 12 ships 1.79.5) for one test: data in a temp directory, HTTP on a
/// free port of 127.0.0.1. It takes InfluxDB line protocol on <c>/write</c> and <c>/api/v2/write</c> and answers the
/// Prometheus query API. Started with <c>-search.latencyOffset=0s</c> (fresh points are otherwise hidden for 30 s) and
/// a 100-year retention (the default month would reject the 2013 Bitbrains timestamps). Like
/// <see cref="InfluxdServer"/>, a shell watchdog kills it when the test host dies.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _pidFile;
    private Process? _watchdog;

    private VictoriaMetricsServer(string root, int port)
    {
        RootDirectory = root;
        Port = port;
        _pidFile = Path.Combine(root, "vm.pid");
    }

    /// <summary>The temp directory holding the data and the log.</summary>
    public string RootDirectory { get; }

    /// <summary>The HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The base URL (line protocol in, Prometheus query API out).</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>The server's log file.</summary>
    public string LogPath => Path.Combine(RootDirectory, "victoria-metrics.log");

    /// <summary>Starts victoria-metrics and waits for <c>/health</c>. Skips locally (fails under CI) when it is not installed.</summary>
    public static async Task<VictoriaMetricsServer> StartNewAsync(CancellationToken ct = default)
    {
        var binary = Requirements.RequireTool("victoria-metrics");
        var root = Path.Combine(Path.GetTempPath(), "kvmm-vm-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var server = new VictoriaMetricsServer(root, InfluxdServer.FreePort());
        try
        {
            await server.StartAsync(binary, ct).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    private async Task StartAsync(string binary, CancellationToken ct)
    {
        var testPid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var flags = $"-storageDataPath='{RootDirectory}/data' -httpListenAddr=127.0.0.1:{Port} -search.latencyOffset=0s " +
                    "-retentionPeriod=100y -loggerLevel=WARN -search.disableCache";
        var script =
            $"'{binary}' {flags} >>'{LogPath}' 2>&1 & c=$!; echo $c > '{_pidFile}'; " +
            $"trap 'kill -9 $c 2>/dev/null; exit 0' TERM INT; " +
            $"while kill -0 {testPid} 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 0.5; done; kill -9 $c 2>/dev/null; exit 0";
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        _watchdog = Process.Start(psi) ?? throw new InvalidOperationException("could not start the victoria-metrics watchdog shell");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var response = await _http.GetAsync(new Uri(Url, "/health"), ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_watchdog.HasExited)
            {
                break;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        var log = File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log)";
        throw new InvalidOperationException($"victoria-metrics did not answer /health on {Url} within 30 s. Log:\n{(log.Length > 3000 ? log[^3000..] : log)}");
    }

    /// <summary>Writes InfluxDB line protocol through the v1 <c>/write</c> endpoint and fails on an error answer.</summary>
    public async Task WriteLinesAsync(string lines, string precision = "s", CancellationToken ct = default)
    {
        using var content = new StringContent(lines, Encoding.UTF8, "text/plain");
        using var response = await _http.PostAsync(new Uri(Url, $"/write?precision={precision}"), content, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"victoria-metrics /write: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        }
    }

    /// <summary>Imports Prometheus text lines with millisecond timestamps (<c>/api/v1/import/prometheus</c>).</summary>
    public async Task ImportPrometheusAsync(string lines, CancellationToken ct = default)
    {
        using var content = new StringContent(lines, Encoding.UTF8, "text/plain");
        using var response = await _http.PostAsync(new Uri(Url, "/api/v1/import/prometheus"), content, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"victoria-metrics import: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        }
    }

    /// <summary>
    /// Makes everything written so far searchable (<c>/internal/force_flush</c>): victoria-metrics otherwise keeps
    /// fresh rows in memory buffers for up to a second.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(new Uri(Url, "/internal/force_flush"), ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs an instant query (<c>/api/v1/query</c>) at <paramref name="time"/> and returns the JSON body.</summary>
    public async Task<string> QueryAsync(string promql, long time, CancellationToken ct = default)
    {
        var uri = new Uri(Url, $"/api/v1/query?query={Uri.EscapeDataString(promql)}&time={time.ToString(CultureInfo.InvariantCulture)}");
        using var response = await _http.GetAsync(uri, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"victoria-metrics query '{promql}': HTTP {(int)response.StatusCode} {body}");
        }

        return body;
    }

    /// <summary>Kills victoria-metrics and the watchdog and deletes the temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                await p.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (ArgumentException)
            {
            }
        }

        if (_watchdog is { } w)
        {
            await w.WaitForExitAsync().ConfigureAwait(false);
            w.Dispose();
        }

        _http.Dispose();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
