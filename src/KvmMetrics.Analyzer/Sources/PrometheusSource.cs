using System.Globalization;
using System.Net;
using System.Text.Json;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Planning;

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
    private readonly PrometheusSourceOptions _options;
    private readonly HttpClient _http;

    /// <summary>Creates the source; <paramref name="http"/> is shared when given (its own timeout is not used).</summary>
    public PrometheusSource(PrometheusSourceOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _http = http ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
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
        var end = now ?? _options.Time.GetUtcNow().ToUnixTimeSeconds();
        var step = (long)Math.Max(1, _options.Step.TotalSeconds);
        var start = end - (long)_options.Lookback.TotalSeconds;
        var l = _options.HostLabel;
        var warnings = new List<string>();
        var serverWarnings = new SortedSet<string>(StringComparer.Ordinal);

        var hostCpus = await InstantAsync($"max by ({l}) (last_over_time(kvm_host_cpus[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var hostMemory = await InstantAsync($"max by ({l}) (last_over_time(kvm_host_memory_bytes[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var vmVcpus = await InstantAsync($"max by ({l}, domain) (last_over_time(kvm_domain_vcpus_allocated[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        var vmMemory = await InstantAsync($"max by ({l}, domain) (last_over_time(kvm_domain_memory_allocated_bytes[1h]))", end, serverWarnings, cancellationToken).ConfigureAwait(false);
        if (hostCpus.Count == 0)
        {
            throw new SourceUnavailableException($"{_options.Url}: no kvm_host_cpus series in the last hour before {DateTimeOffset.FromUnixTimeSeconds(end):u}; is the kvm exporter scraped by this server?");
        }

        var series = new List<RawSeries>();
        var newestByVm = new Dictionary<string, (string Host, long Time)>(StringComparer.Ordinal);
        var hostsWithCpu = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (metric, query) in RangeQueries)
        {
            var perSeries = await RangeAsync(query, start, end, step, serverWarnings, cancellationToken).ConfigureAwait(false);
            foreach (var ((host, domain), points) in perSeries.OrderBy(p => p.Key.Domain, StringComparer.Ordinal).ThenBy(p => p.Key.Host, StringComparer.Ordinal))
            {
                if (points.Count == 0)
                {
                    continue;
                }

                if (metric == ClusterMetrics.CpuCores)
                {
                    hostsWithCpu.Add(host);
                    if (!newestByVm.TryGetValue(domain, out var seen) || points.Keys[^1] > seen.Time)
                    {
                        newestByVm[domain] = (host, points.Keys[^1]);
                    }
                }

                series.Add(new RawSeries(domain, metric, [.. points.Keys], [.. points.Values]));
            }
        }

        // A domain seen on two hosts (live-migrated within the range) appears as two series; merge by time.
        var merged = series.GroupBy(s => (s.Entity, s.Metric)).Select(g => Merge(g.Key.Entity, g.Key.Metric, g)).ToArray();

        var hosts = hostCpus.OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new HostSpec(h.Key, h.Value, (long)hostMemory.GetValueOrDefault(h.Key, 0)))
            .Where(h => h.MemoryBytes > 0).ToArray();
        var vms = new List<VmSpec>();
        foreach (var (domain, (host, _)) in newestByVm.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!hosts.Any(h => h.Name == host))
            {
                warnings.Add($"VM {domain} runs on {host}, which reports no host capacity; left out");
                continue;
            }

            var key = host + "\u0000" + domain;
            var vcpus = (int)Math.Max(1, vmVcpus.GetValueOrDefault(key, 1));
            var memory = (long)vmMemory.GetValueOrDefault(key, 0);
            vms.Add(new VmSpec(domain, host, vcpus, memory));
        }

        // A host with allocated VMs in the last hour but no CPU series at all in the range would look empty (and
        // attractive) to the planner; say so instead. Typical cause: a partial answer (Thanos/Mimir store down).
        var withoutData = vmVcpus.Keys.Select(k => k[..k.IndexOf('\u0000', StringComparison.Ordinal)])
            .Where(h => hosts.Any(x => x.Name == h) && !hostsWithCpu.Contains(h)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        warnings.AddRange(serverWarnings.Select(w => $"{_options.Url}: the server warned: {w}"));
        var snapshot = new ClusterSnapshot(hosts, vms, PlacementConstraints.None, new PlannerPolicy(), end);
        var description = string.Create(CultureInfo.InvariantCulture, $"Prometheus {_options.Url}: {hosts.Length} hosts, {vms.Count} VMs, {_options.Lookback.TotalDays:0.#} days at {_options.Step.TotalSeconds:0} s steps");
        return new AnalysisData(new ClusterFile(snapshot, new CapacityOptions(), true), merged, description, warnings, end) { HostsWithoutData = withoutData };
    }

    private string Window()
    {
        var seconds = (long)(_options.RateWindow?.TotalSeconds ?? Math.Max(60, 2 * _options.Step.TotalSeconds));
        return seconds % 60 == 0 ? (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m" : seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }

    private static RawSeries Merge(string entity, string metric, IEnumerable<RawSeries> parts)
    {
        var all = new SortedDictionary<long, double>();
        foreach (var p in parts)
        {
            for (var i = 0; i < p.Count; i++)
            {
                all[p.Timestamps[i]] = p.Values[i];
            }
        }

        return new RawSeries(entity, metric, [.. all.Keys], [.. all.Values]);
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

            var key = labels.TryGetProperty("domain", out var d) ? host + "\u0000" + d.GetString() : host;
            result[key] = Parse(r.GetProperty("value")[1]);
        }

        return result;
    }

    /// <summary>GETs an API path; the answer's <c>warnings</c> (partial responses of Thanos, Mimir, Prometheus) go into <paramref name="serverWarnings"/>.</summary>
    private async Task<JsonDocument> GetAsync(string relative, ISet<string> serverWarnings, CancellationToken ct)
    {
        var baseUrl = _options.Url.AbsoluteUri.EndsWith('/') ? _options.Url : new Uri(_options.Url.AbsoluteUri + "/");
        var url = new Uri(baseUrl, relative);
        string? last = null;
        for (var attempt = 1; attempt <= _options.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(_options.Backoff * Math.Pow(2, attempt - 2), _options.Time, ct).ConfigureAwait(false);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var doc = JsonDocument.Parse(body);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "success"
                        && doc.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                        && data.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array)
                    {
                        if (doc.RootElement.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array)
                        {
                            foreach (var text in w.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String))
                            {
                                serverWarnings.Add(Short(text.GetString()!));
                            }
                        }

                        return doc;
                    }

                    doc.Dispose();
                    last = "answer without status=success and a data.result array: " + Short(body);
                    continue;
                }

                last = $"HTTP {(int)response.StatusCode}: {Short(body)}";
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    // A 4xx other than 429 is a bad query or URL: retrying would give the same answer.
                    break;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                last = $"no answer within {_options.Timeout.TotalSeconds:0.#} s";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (JsonException e)
            {
                last = "not JSON: " + e.Message;
            }
        }

        throw new SourceUnavailableException($"{url.GetLeftPart(UriPartial.Path)}: {last} (after {_options.Attempts} attempts)");
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
