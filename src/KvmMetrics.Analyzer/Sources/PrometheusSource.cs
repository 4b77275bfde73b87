using System.Globalization;
using System.Net;
using System.Text.Json;
using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>
/// Reads per-VM usage, host capacity and placement from the Prometheus HTTP API (<c>query_range</c> and
/// <c>query</c>), which Thanos, Mimir and VictoriaMetrics serve too. Long ranges are split into requests of
/// at most <see cref="PrometheusSourceOptions.MaxPointsPerRequest"/> points; each request has a timeout and
/// is retried with exponential backoff on 5xx, 429 and network errors. A server that cannot answer gives
/// <see cref="SourceUnavailableException"/>, never partial data passed off as complete.
/// </summary>
public sealed class PrometheusSource : IAnalysisSource
{
    private readonly RetrySettings _retry;
    private readonly PrometheusSourceOptions _options;
    private readonly HttpClient _http;

    /// <summary>Creates the source; <paramref name="http"/> is shared when given (its own timeout is not used).</summary>
    public PrometheusSource(PrometheusSourceOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _http = http ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _retry = new RetrySettings(options.Attempts, options.Backoff, options.Timeout, options.Time);
    }

    /// <inheritdoc />
    public string Name => "prometheus";

    /// <summary>
    /// The PromQL of each analyzer metric, by metric name (<c>W</c> = rate window). <c>cpu_cores</c> is CPU demand: the
    /// time the domain ran plus the time its vCPUs were runnable but waited for a host CPU (libvirt <c>vcpu.N.delay</c>).
    /// On a contended host usage alone is capped by what the scheduler handed out, which hides the hotspot from the planner
    /// and makes starved VMs look oversized; without delay counters (older libvirt) it falls back to usage.
    /// </summary>
    public IReadOnlyDictionary<string, string> RangeQueries
    {
        get
        {
            var l = _options.HostLabel;
            var w = Window();
            var used = $"sum by ({l}, domain) (rate(kvm_domain_cpu_time_seconds_total[{w}]))";
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ClusterMetrics.CpuCores] = $"{used} + (sum by ({l}, domain) (rate(kvm_domain_vcpu_delay_seconds_total[{w}])) or {used} * 0)",
                [ClusterMetrics.CpuStealCores] = $"sum by ({l}, domain) (rate(kvm_domain_vcpu_delay_seconds_total[{w}]))",
                [ClusterMetrics.MemoryBytes] = $"max by ({l}, domain) (kvm_domain_balloon_rss_bytes)",
                [ClusterMetrics.DiskBytesPerSecond] = $"sum by ({l}, domain) (rate(kvm_domain_block_read_bytes_total[{w}]) + rate(kvm_domain_block_write_bytes_total[{w}]))",
                [ClusterMetrics.NetworkBytesPerSecond] = $"sum by ({l}, domain) (rate(kvm_domain_interface_receive_bytes_total[{w}]) + rate(kvm_domain_interface_transmit_bytes_total[{w}]))",
            };
        }
    }

    /// <inheritdoc />
    public async Task<AnalysisData> LoadAsync(long? now, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadCheckedAsync(now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // status=success but not the documented shape (a proxy, another API, a broken server): the source is unusable,
            // which the service reports like an outage instead of failing the whole task with an unexplained exception.
            throw new SourceUnavailableException($"{_options.Url}: the answer is not a Prometheus query result ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private async Task<AnalysisData> LoadCheckedAsync(long? now, CancellationToken cancellationToken)
    {
        var end = now ?? _options.Time.GetUtcNow().ToUnixTimeSeconds();
        var step = (long)Math.Max(1, _options.Step.TotalSeconds);
        var start = end - (long)_options.Lookback.TotalSeconds;
        var l = _options.HostLabel;
        var serverWarnings = new SortedSet<string>(StringComparer.Ordinal);
        var hostCpus = await InstantAsync($"max by ({l}) (last_over_time(kvm_host_cpus[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var hostMemory = await InstantAsync($"max by ({l}) (last_over_time(kvm_host_memory_bytes[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var vmVcpus = await InstantAsync($"max by ({l}, domain) (last_over_time(kvm_domain_vcpus_allocated[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var vmMemory = await InstantAsync($"max by ({l}, domain) (last_over_time(kvm_domain_memory_allocated_bytes[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        if (hostCpus.Count == 0)
        {
            throw new SourceUnavailableException($"{_options.Url}: no kvm_host_cpus series in the last hour before {DateTimeOffset.FromUnixTimeSeconds(end):u}; is the kvm exporter scraped by this server?");
        }

        // The newest kvm_host_cpus sample per host, at step resolution (a subquery; last_over_time would stamp the evaluation time).
        var lastSeen = await InstantAsync(string.Create(CultureInfo.InvariantCulture, $"max by ({l}) (max_over_time(timestamp(kvm_host_cpus)[1h:{step}s]))"), end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var metrics = new List<(string, IReadOnlyDictionary<(string Host, string Domain), SortedList<long, double>>)>();
        foreach (var (metric, query) in RangeQueries)
        {
            metrics.Add((metric, await RangeAsync(query, start, end, step, serverWarnings, cancellationToken).ConfigureAwait(false)));
        }

        // The assembler also names the hosts with allocated VMs but no CPU series (typical of a partial answer).
        return ClusterAssembler.Build(hostCpus, hostMemory, vmVcpus, vmMemory, metrics, end, (hosts, vms) =>
            string.Create(CultureInfo.InvariantCulture, $"Prometheus {_options.Url}: {hosts} hosts, {vms} VMs, {_options.Lookback.TotalDays:0.#} days at {_options.Step.TotalSeconds:0} s steps"),
            serverWarnings.Select(w => $"{_options.Url}: the server warned: {w}"),
            lastSeen.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => (long)kv.Value, StringComparer.Ordinal));
    }

    private string Window()
    {
        var seconds = (long)(_options.RateWindow?.TotalSeconds ?? Math.Max(60, 2 * _options.Step.TotalSeconds));
        return seconds % 60 == 0 ? (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m" : seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>Runs a range query in chunks; returns points per (host, domain).</summary>
    private async Task<Dictionary<(string Host, string Domain), SortedList<long, double>>> RangeAsync(string query, long start, long end, long step, ISet<string> serverWarnings, CancellationToken ct)
    {
        var result = new Dictionary<(string, string), SortedList<long, double>>();
        var chunk = step * (_options.MaxPointsPerRequest - 1);
        for (var from = start; from <= end; from += chunk + step)
        {
            var to = Math.Min(end, from + chunk);
            var url = string.Create(CultureInfo.InvariantCulture, $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={from}&end={to}&step={step}");
            using var doc = await GetAsync(url, serverWarnings, ct).ConfigureAwait(false);
            foreach (var r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var labels = r.GetProperty("metric");
                var host = labels.TryGetProperty(_options.HostLabel, out var h) ? h.GetString() ?? "" : "";
                var domain = labels.TryGetProperty("domain", out var d) ? d.GetString() ?? "" : "";
                if (host.Length == 0 || domain.Length == 0)
                {
                    continue;
                }

                if (!result.TryGetValue((host, domain), out var points))
                {
                    points = [];
                    result.Add((host, domain), points);
                }

                foreach (var v in r.GetProperty("values").EnumerateArray())
                {
                    var value = Parse(v[1]);
                    if (double.IsFinite(value))
                    {
                        points[(long)v[0].GetDouble()] = value;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Runs an instant query; returns value by host, or by host + NUL + domain when the result has a domain label.</summary>
    private async Task<Dictionary<string, double>> InstantAsync(string query, long time, ISet<string> serverWarnings, CancellationToken ct)
    {
        var url = string.Create(CultureInfo.InvariantCulture, $"api/v1/query?query={Uri.EscapeDataString(query)}&time={time}");
        using var doc = await GetAsync(url, serverWarnings, ct).ConfigureAwait(false);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = r.GetProperty("metric");
            var host = labels.TryGetProperty(_options.HostLabel, out var h) ? h.GetString() ?? "" : "";
            if (host.Length == 0)
            {
                continue;
            }

            var key = labels.TryGetProperty("domain", out var d) ? ClusterAssembler.Key(host, d.GetString() ?? "") : host;
            result[key] = Parse(r.GetProperty("value")[1]);
        }

        return result;
    }

    /// <summary>
    /// GETs an API path with <see cref="SourceRetry"/>. An answer that is not a JSON object with <c>status: success</c> and a
    /// <c>data.result</c> array is a failed attempt; the accepted answer's <c>warnings</c> (partial responses of Thanos,
    /// Mimir, Prometheus) go into <paramref name="serverWarnings"/>.
    /// </summary>
    private Task<JsonDocument> GetAsync(string relative, ISet<string> serverWarnings, CancellationToken ct)
    {
        var baseUrl = _options.Url.AbsoluteUri.EndsWith('/') ? _options.Url : new Uri(_options.Url.AbsoluteUri + "/");
        var url = new Uri(baseUrl, relative);
        return SourceRetry.RunAsync<JsonDocument>(_retry, url.GetLeftPart(UriPartial.Path), async token =>
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // A 4xx other than 429 is a bad query or URL: retrying would give the same answer.
                var retryable = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                return (null, new AttemptFailure($"HTTP {(int)response.StatusCode}: {Short(body)}", retryable));
            }

            var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "success"
                && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array)
            {
                // Only the accepted answer's warnings count: a failed attempt's are repeated or superseded by the retry.
                if (root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array)
                {
                    foreach (var text in w.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String))
                    {
                        serverWarnings.Add(Short(text.GetString()!));
                    }
                }

                return (doc, null);
            }

            doc.Dispose();
            return (null, new AttemptFailure("answer without status=success and a data.result array: " + Short(body), true));
        }, e => e switch
        {
            HttpRequestException h => new AttemptFailure(h.Message, true),
            JsonException j => new AttemptFailure("not JSON: " + j.Message, true),
            _ => null,
        }, ct);
    }

    private static double Parse(JsonElement e) => e.GetString() switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        { } s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        null => double.NaN,
    };

    private static string Short(string s) => s.Length <= 200 ? s : s[..200] + "...";
}
