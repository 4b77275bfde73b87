using System.Globalization;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Query;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>
/// Reads per-VM demand and usage, host capacity and placement from what the kvm exporter pushes to InfluxDB
/// (<see cref="ExporterInfluxSchema"/>): InfluxQL over <c>/query</c> for 1.x, Flux over <c>/api/v2/query</c> for 2.x.
/// Each query asks for the last value per series and step-aligned window; rates, sums and the cluster are built
/// here with the same code for both APIs (<see cref="InfluxDerivation"/>, <see cref="ClusterAssembler"/>). Long
/// ranges are split into chunks of <see cref="InfluxSourceOptions.MaxPointsPerRequest"/> windows; each request has
/// a timeout and is retried with exponential backoff on network errors, timeouts, 5xx and 429. A server that
/// cannot answer gives <see cref="SourceUnavailableException"/>, never partial data passed off as complete.
/// </summary>
public sealed class InfluxSource : IAnalysisSource, IDisposable
{
    private readonly InfluxSourceOptions _options;
    private readonly InfluxQueryClient _client;
    private readonly RetrySettings _retry;

    /// <summary>Creates the source; <paramref name="http"/> is shared when given (its own timeout is not used).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public InfluxSource(InfluxSourceOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB source options: " + string.Join("; ", errors));
        }

        _options = options;
        _client = new InfluxQueryClient(options.Connection, http);
        _retry = new RetrySettings(options.Attempts, options.Backoff, options.Connection.Timeout, options.Time);
    }

    /// <inheritdoc />
    public string Name => "influx";

    /// <summary>Queries sent by the last <see cref="LoadAsync"/> (for logs and tests of the chunking).</summary>
    public int Requests { get; private set; }

    /// <inheritdoc />
    public async Task<AnalysisData> LoadAsync(long? now, CancellationToken cancellationToken)
    {
        Requests = 0;
        var end = now ?? _options.Time.GetUtcNow().ToUnixTimeSeconds();
        var step = (long)Math.Max(1, _options.Step.TotalSeconds);
        // Windows are aligned to multiples of the step (both InfluxQL GROUP BY time and aggregateWindow align to the epoch).
        var start = Resampler.FloorTo(end - (long)_options.Lookback.TotalSeconds, step);
        var hourAgo = end - 3600;

        var hostCpuSeries = await LastAsync(ExporterInfluxSchema.HostCpus, hourAgo, end, cancellationToken).ConfigureAwait(false);
        var hostCpus = InfluxDerivation.LastBy(hostCpuSeries, perDomain: false);
        var lastSeen = hostCpuSeries.Where(s => s.Times.Length > 0 && s.Tag(ExporterInfluxSchema.HostTag) is not null)
            .GroupBy(s => s.Tag(ExporterInfluxSchema.HostTag)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(s => s.Times.Max()), StringComparer.Ordinal);
        if (hostCpus.Count == 0)
        {
            throw new SourceUnavailableException($"{_options.Target}: no {ExporterInfluxSchema.HostCpus} points in the hour before {DateTimeOffset.FromUnixTimeSeconds(end):u}; does the kvm exporter push here (its --influx.url/--influx.database)?");
        }

        var hostMemory = InfluxDerivation.LastBy(await LastAsync(ExporterInfluxSchema.HostMemory, hourAgo, end, cancellationToken).ConfigureAwait(false), perDomain: false);
        var vmVcpus = InfluxDerivation.LastBy(await LastAsync(ExporterInfluxSchema.VmVcpus, hourAgo, end, cancellationToken).ConfigureAwait(false), perDomain: true);
        var vmMemory = InfluxDerivation.LastBy(await LastAsync(ExporterInfluxSchema.VmMemory, hourAgo, end, cancellationToken).ConfigureAwait(false), perDomain: true);

        // Each measurement is fetched once, also when two metrics read it (the vCPU delay: demand and steal).
        var fetched = new Dictionary<string, IReadOnlyList<TaggedSeries>>(StringComparer.Ordinal);
        async Task<List<TaggedSeries>> SeriesAsync(IEnumerable<string> measurements)
        {
            var series = new List<TaggedSeries>();
            foreach (var measurement in measurements)
            {
                if (!fetched.TryGetValue(measurement, out var windows))
                {
                    windows = await WindowsAsync(measurement, start, end, step, cancellationToken).ConfigureAwait(false);
                    fetched.Add(measurement, windows);
                }

                series.AddRange(windows);
            }

            return series;
        }

        var metrics = new List<(string, IReadOnlyDictionary<(string Host, string Domain), SortedList<long, double>>)>();
        foreach (var metric in ExporterInfluxSchema.Metrics)
        {
            // Like rate() over a window of two steps: one missing window is bridged, a longer gap stays a gap.
            var perVm = InfluxDerivation.PerVm(metric.IsCounter, await SeriesAsync(metric.Measurements).ConfigureAwait(false), 2 * step);
            if (metric.AddedWherePresent.Count > 0)
            {
                perVm = InfluxDerivation.PlusWherePresent(perVm, InfluxDerivation.PerVm(metric.IsCounter, await SeriesAsync(metric.AddedWherePresent).ConfigureAwait(false), 2 * step));
            }

            metrics.Add((metric.Metric, perVm));
        }

        return ClusterAssembler.Build(hostCpus, hostMemory, vmVcpus, vmMemory, metrics, end, (hosts, vms) =>
            string.Create(CultureInfo.InvariantCulture, $"InfluxDB {_options.Target}: {hosts} hosts, {vms} VMs, {_options.Lookback.TotalDays:0.#} days at {step} s steps"),
            hostLastSeen: lastSeen);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task<IReadOnlyList<TaggedSeries>> WindowsAsync(string measurement, long start, long end, long step, CancellationToken ct)
    {
        var set = new TaggedSeriesSet();
        var chunk = step * _options.MaxPointsPerRequest;
        for (var from = start; from < end; from += chunk)
        {
            var to = Math.Min(end, from + chunk);
            await QueryAsync(set, c => c.ApiVersion == InfluxApiVersion.V1
                ? InfluxQueryText.InfluxQlWindows(c.RetentionPolicy, measurement, from, to, step)
                : InfluxQueryText.FluxWindows(c.Bucket!, measurement, from, to, step), ct).ConfigureAwait(false);
        }

        return set.ToList();
    }

    private async Task<IReadOnlyList<TaggedSeries>> LastAsync(string measurement, long from, long to, CancellationToken ct)
    {
        var set = new TaggedSeriesSet();
        await QueryAsync(set, c => c.ApiVersion == InfluxApiVersion.V1
            ? InfluxQueryText.InfluxQlLast(c.RetentionPolicy, measurement, from, to)
            : InfluxQueryText.FluxLast(c.Bucket!, measurement, from, to), ct).ConfigureAwait(false);
        return set.ToList();
    }

    private Task QueryAsync(TaggedSeriesSet set, Func<InfluxConnectionOptions, string> text, CancellationToken ct)
    {
        var connection = _options.Connection;
        var query = text(connection);
        Requests++;
        var where = connection.Url.GetLeftPart(UriPartial.Path).TrimEnd('/') + (connection.ApiVersion == InfluxApiVersion.V1 ? "/query" : "/api/v2/query");
        return SourceRetry.RunAsync<bool>(_retry, where, async token =>
        {
            if (connection.ApiVersion == InfluxApiVersion.V1)
            {
                var result = await _client.QueryInfluxQlAsync(query, null, token).ConfigureAwait(false);
                if (result.Statements.FirstOrDefault(s => s.Error is not null || s.Partial) is { } bad)
                {
                    // A statement error (unknown database, bad query) or a truncated answer is the same on every attempt.
                    return (false, new AttemptFailure(bad.Error is { } error
                        ? $"InfluxQL failed: {error} (query: {query})"
                        : "InfluxDB truncated the answer at its [http] max-row-limit; lower --influx.step's chunk or raise max-row-limit", false));
                }

                set.Add(result);
            }
            else
            {
                set.Add(await _client.QueryFluxAsync(query, token).ConfigureAwait(false));
            }

            return (true, null);
        }, e => e is InfluxException ie
            ? new AttemptFailure(ie.Message, ie.StatusCode is null || (int)ie.StatusCode >= 500 || (int)ie.StatusCode == 429)
            : null, ct);
    }
}
