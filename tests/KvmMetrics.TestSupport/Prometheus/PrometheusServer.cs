using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace KvmMetrics.TestSupport.Prometheus;

/// <summary>One sample of a PromQL instant-vector result.</summary>
/// <param name="Labels">The series labels (including <c>__name__</c> when present).</param>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="Value">The value.</param>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Timestamp, double Value);

/// <summary>One series of a range query.</summary>
/// <param name="Labels">The series labels.</param>
/// <param name="Points">(Unix seconds, value) pairs.</param>
public sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Timestamp, double Value)> Points);

/// <summary>A scrape target with target labels (as an operator sets <c>host</c> in <c>static_configs</c>).</summary>
/// <param name="Address"><c>host:port</c>.</param>
/// <param name="Labels">Labels added to every series scraped from it.</param>
public sealed record PrometheusTarget(string Address, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// A real Prometheus server (<c>/usr/bin/prometheus</c>) for tests: generated config scraping the given
/// targets every second (or a given interval), TSDB in a temp dir, listening on 127.0.0.1:&lt;free port&gt;.
/// <see cref="StartAsync"/> waits until it is ready; disposal kills it and deletes the temp dir.
/// Locally a missing binary skips the test; under CI=true it fails it.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, string dir, Uri baseAddress)
    {
        _process = process;
        _dir = dir;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The server's base URL (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the server's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>The server's output so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (<c>host:port</c>) under one job.</summary>
    /// <param name="targets">Targets to scrape.</param>
    /// <param name="jobName">The job label.</param>
    /// <param name="scrapeInterval">Scrape (and evaluation) interval; default 1 s.</param>
    /// <param name="extraConfig">YAML appended to the generated config (e.g. <c>rule_files:</c>), or null.</param>
    /// <param name="metricsPath">The targets' metrics path.</param>
    /// <param name="ct">Cancellation.</param>
    public static Task<PrometheusServer> StartAsync(
        IEnumerable<string> targets, string jobName = "test", TimeSpan? scrapeInterval = null, string? extraConfig = null,
        string metricsPath = "/metrics", CancellationToken ct = default) =>
        StartAsync(targets.Select(t => new PrometheusTarget(t, new Dictionary<string, string>())).ToArray(), jobName, scrapeInterval, extraConfig, metricsPath, ct);

    /// <summary>Starts Prometheus scraping labelled <paramref name="targets"/> under one job (one <c>static_configs</c> entry each).</summary>
    /// <param name="targets">Targets to scrape, each with its target labels.</param>
    /// <param name="jobName">The job label.</param>
    /// <param name="scrapeInterval">Scrape (and evaluation) interval; default 1 s.</param>
    /// <param name="extraConfig">YAML appended to the generated config (e.g. <c>rule_files:</c>), or null.</param>
    /// <param name="metricsPath">The targets' metrics path.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<PrometheusServer> StartAsync(
        IReadOnlyList<PrometheusTarget> targets, string jobName = "test", TimeSpan? scrapeInterval = null, string? extraConfig = null,
        string metricsPath = "/metrics", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var binary = Requirements.RequireTool("prometheus");
        var interval = (int)Math.Max(1, (scrapeInterval ?? TimeSpan.FromSeconds(1)).TotalSeconds);
        var dir = Directory.CreateTempSubdirectory("kmt-prom-").FullName;
        var unlabelled = string.Join(", ", targets.Where(t => t.Labels.Count == 0).Select(t => "'" + t.Address + "'"));
        var staticConfigs = new StringBuilder();
        if (unlabelled.Length > 0 || targets.Count == 0)
        {
            staticConfigs.Append(CultureInfo.InvariantCulture, $"      - targets: [{unlabelled}]\n");
        }

        foreach (var t in targets.Where(t => t.Labels.Count > 0))
        {
            var labels = string.Join(", ", t.Labels.Select(kv => $"{kv.Key}: '{kv.Value}'"));
            staticConfigs.Append(CultureInfo.InvariantCulture, $"      - targets: ['{t.Address}']\n        labels: {{{labels}}}\n");
        }

        var config = $"""
            global:
              scrape_interval: {interval}s
              evaluation_interval: {interval}s
              scrape_timeout: {interval}s
            scrape_configs:
              - job_name: '{jobName}'
                metrics_path: '{metricsPath}'
                static_configs:

            """ + staticConfigs + "\n" + (extraConfig ?? string.Empty);
        var configPath = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config, ct).ConfigureAwait(false);

        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir,
            };
            foreach (var a in new[]
                     {
                         "--config.file=" + configPath, "--storage.tsdb.path=" + Path.Combine(dir, "data"),
                         "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--web.enable-lifecycle",
                         "--log.level=warn", "--storage.tsdb.retention.time=1d",
                     })
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start prometheus");
            var server = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port}/"));
            if (await server.WaitReadyAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false))
            {
                return server;
            }

            var log = server.Log;
            await server.KillAsync().ConfigureAwait(false);
            if (attempt >= 2 || !log.Contains("address already in use", StringComparison.Ordinal))
            {
                Directory.Delete(dir, true);
                throw new InvalidOperationException("prometheus did not become ready: " + log);
            }
        }
    }

    /// <summary>Runs an instant query; throws with Prometheus' error text when it fails.</summary>
    public async Task<IReadOnlyList<PromSample>> QueryAsync(string promql, DateTimeOffset? time = null, CancellationToken ct = default)
    {
        var url = "api/v1/query?query=" + Uri.EscapeDataString(promql) +
                  (time is { } t ? "&time=" + (t.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture) : string.Empty);
        var data = await GetDataAsync(url, ct).ConfigureAwait(false);
        var result = data.GetProperty("result");
        if (data.GetProperty("resultType").GetString() == "scalar")
        {
            return [new PromSample(new Dictionary<string, string>(), result[0].GetDouble(), ParseValue(result[1]))];
        }

        return result.EnumerateArray()
            .Select(r => new PromSample(Labels(r), r.GetProperty("value")[0].GetDouble(), ParseValue(r.GetProperty("value")[1])))
            .ToArray();
    }

    /// <summary>Runs a range query.</summary>
    public async Task<IReadOnlyList<PromSeries>> QueryRangeAsync(string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken ct = default)
    {
        var url = "api/v1/query_range?query=" + Uri.EscapeDataString(promql) +
                  "&start=" + (start.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture) +
                  "&end=" + (end.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture) +
                  "&step=" + step.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var data = await GetDataAsync(url, ct).ConfigureAwait(false);
        return data.GetProperty("result").EnumerateArray()
            .Select(r => new PromSeries(Labels(r), r.GetProperty("values").EnumerateArray().Select(v => (v[0].GetDouble(), ParseValue(v[1]))).ToArray()))
            .ToArray();
    }

    /// <summary>Polls <paramref name="promql"/> until it returns at least one sample (or <paramref name="timeout"/> passes).</summary>
    public async Task<IReadOnlyList<PromSample>> WaitForAsync(string promql, TimeSpan timeout, CancellationToken ct = default)
    {
        var stop = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = await QueryAsync(promql, ct: ct).ConfigureAwait(false);
            if (result.Count > 0 || DateTime.UtcNow > stop)
            {
                return result;
            }

            await Task.Delay(500, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The health of each scrape target (<c>up</c>, last error), from <c>/api/v1/targets</c>.</summary>
    public async Task<IReadOnlyList<(string ScrapeUrl, string Health, string LastError)>> TargetsAsync(CancellationToken ct = default)
    {
        var data = await GetDataAsync("api/v1/targets", ct).ConfigureAwait(false);
        return data.GetProperty("activeTargets").EnumerateArray()
            .Select(t => (t.GetProperty("scrapeUrl").GetString() ?? "", t.GetProperty("health").GetString() ?? "", t.GetProperty("lastError").GetString() ?? ""))
            .ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await KillAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
            // a file still held by the dying process; the temp dir is cleaned by the OS eventually
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Dictionary<string, string> Labels(JsonElement r) =>
        r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);

    private static double ParseValue(JsonElement e) => e.GetString() switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private async Task<JsonElement> GetDataAsync(string url, CancellationToken ct)
    {
        using var response = await Http.GetAsync(new Uri(url, UriKind.Relative), ct).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"prometheus {url}: {(int)response.StatusCode} {body}");
        }

        return body.GetProperty("data").Clone();
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var stop = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < stop && !_process.HasExited)
        {
            try
            {
                using var r = await Http.GetAsync(new Uri("-/ready", UriKind.Relative), ct).ConfigureAwait(false);
                if (r.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        return false;
    }

    private async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (TimeoutException)
        {
            // leave it; nothing else to do
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < 64 * 1024)
            {
                _log.AppendLine(line);
            }
        }
    }
}
