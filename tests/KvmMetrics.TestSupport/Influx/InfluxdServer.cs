using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KvmMetrics.TestSupport.Influx;

/// <summary>
/// A real <c>influxd</c> (1.x) for one test: generated config in a temp directory (meta, data and
/// WAL there too), HTTP and RPC bound to free ports on 127.0.0.1, reporting, UDP, graphite,
/// monitoring and continuous queries off. It runs under a small shell watchdog that kills it
/// within a second if the test host dies, and <see cref="DisposeAsync"/> kills it and removes the
/// directory. <see cref="KillAsync"/> and <see cref="StartAsync"/> restart it on the same
/// directories and port, for crash tests.
/// </summary>
public sealed class InfluxdServer : IAsyncDisposable
{
    private readonly string _influxd;
    private readonly string _configPath;
    private readonly string _pidFile;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _watchdog;

    private InfluxdServer(string influxd, string root, int httpPort, int rpcPort)
    {
        _influxd = influxd;
        RootDirectory = root;
        HttpPort = httpPort;
        RpcPort = rpcPort;
        _configPath = Path.Combine(root, "influxdb.conf");
        _pidFile = Path.Combine(root, "influxd.pid");
        File.WriteAllText(_configPath, Config(root, httpPort, rpcPort));
    }

    /// <summary>The temp directory holding config, meta, data, WAL and the log.</summary>
    public string RootDirectory { get; }

    /// <summary>The HTTP API port on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>The RPC (backup) port on 127.0.0.1.</summary>
    public int RpcPort { get; }

    /// <summary>The base URL of the HTTP API.</summary>
    public Uri Url => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The server's log file (stdout and stderr).</summary>
    public string LogPath => Path.Combine(RootDirectory, "influxd.log");

    /// <summary>The process id of influxd while it runs.</summary>
    public int? Pid => File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>
    /// Starts influxd and waits for <c>/ping</c>. Skips the test locally (fails under CI) when
    /// <c>influxd</c> is not installed.
    /// </summary>
    public static async Task<InfluxdServer> StartNewAsync(CancellationToken ct = default)
    {
        var influxd = Requirements.RequireTool("influxd");
        var root = Path.Combine(Path.GetTempPath(), "kvmm-influxd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var server = new InfluxdServer(influxd, root, FreePort(), FreePort());
        try
        {
            await server.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Starts (or restarts) influxd on the same directories and ports, and waits until <c>/ping</c> answers.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        File.Delete(_pidFile);
        var testPid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        // The watchdog ends influxd when the test host disappears (crash, kill -9), which Dispose cannot cover.
        var script =
            $"'{_influxd}' -config '{_configPath}' >>'{LogPath}' 2>&1 & c=$!; echo $c > '{_pidFile}'; " +
            $"trap 'kill -9 $c 2>/dev/null; exit 0' TERM INT; " +
            $"while kill -0 {testPid} 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 0.5; done; kill -9 $c 2>/dev/null; exit 0";
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        _watchdog = Process.Start(psi) ?? throw new InvalidOperationException("could not start the influxd watchdog shell");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (await PingAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            if (_watchdog.HasExited)
            {
                break;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        var log = File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log)";
        throw new InvalidOperationException($"influxd did not answer /ping on {Url} within 30 s. Log tail:\n{Tail(log)}");
    }

    /// <summary>Kills influxd with SIGKILL (no clean shutdown) and waits until its port is closed.</summary>
    public async Task KillAsync()
    {
        if (Pid is { } pid)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                await p.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        if (_watchdog is { } w)
        {
            await w.WaitForExitAsync().ConfigureAwait(false);
            w.Dispose();
            _watchdog = null;
        }
    }

    /// <summary>True when <c>/ping</c> answers 204.</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(Url, "/ping"), ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Runs an InfluxQL statement with POST (CREATE, DROP, ...) and fails on an error answer.</summary>
    public async Task<string> ExecuteAsync(string statement, string? database = null, CancellationToken ct = default)
    {
        var form = new Dictionary<string, string> { ["q"] = statement };
        if (database is not null)
        {
            form["db"] = database;
        }

        using var response = await _http.PostAsync(new Uri(Url, "/query"), new FormUrlEncodedContent(form), ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"influxd statement '{statement}' failed: HTTP {(int)response.StatusCode} {body}");
        }

        return body;
    }

    /// <summary>Creates a database with a unique name and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test", CancellationToken ct = default)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"", null, ct).ConfigureAwait(false);
        return name;
    }

    /// <summary>Kills influxd and the watchdog and deletes the temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _http.Dispose();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A TCP port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];

    private static string Config(string root, int httpPort, int rpcPort)
    {
        var sb = new StringBuilder();
        sb.AppendLine("reporting-disabled = true");
        sb.AppendLine(CultureInfo.InvariantCulture, $"bind-address = \"127.0.0.1:{rpcPort}\"");
        sb.AppendLine("[meta]");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  dir = \"{root}/meta\"");
        sb.AppendLine("  logging-enabled = false");
        sb.AppendLine("[data]");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  dir = \"{root}/data\"");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  wal-dir = \"{root}/wal\"");
        sb.AppendLine("  query-log-enabled = false");
        sb.AppendLine("  trace-logging-enabled = false");
        sb.AppendLine("[coordinator]");
        sb.AppendLine("  log-queries-after = \"0s\"");
        sb.AppendLine("[retention]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[shard-precreation]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[monitor]");
        sb.AppendLine("  store-enabled = false");
        sb.AppendLine("[http]");
        sb.AppendLine("  enabled = true");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  bind-address = \"127.0.0.1:{httpPort}\"");
        sb.AppendLine("  auth-enabled = false");
        sb.AppendLine("  log-enabled = false");
        sb.AppendLine("  max-row-limit = 0");
        sb.AppendLine("[logging]");
        sb.AppendLine("  level = \"warn\"");
        sb.AppendLine("[subscriber]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[continuous_queries]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[[graphite]]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[[collectd]]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[[opentsdb]]");
        sb.AppendLine("  enabled = false");
        sb.AppendLine("[[udp]]");
        sb.AppendLine("  enabled = false");
        return sb.ToString();
    }
}
