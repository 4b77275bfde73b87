using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Analyzer.WriteBack;

/// <summary>
/// Writes the analyzer's results to InfluxDB (<see cref="AnalyzerResultPoints"/>) through the shared
/// <see cref="InfluxWriter"/>: writes return at once, batches wait in its buffer (on disk with a buffer directory)
/// and are retried with backoff while the server is down, so the schedule never waits for InfluxDB.
/// </summary>
public sealed class InfluxResultWriter : IAnalysisResultSink, IAsyncDisposable
{
    private readonly InfluxWriter _writer;
    private readonly string _target;

    /// <summary>Creates the writer (opening the buffer directory, so a bad directory fails at start).</summary>
    public InfluxResultWriter(InfluxWriteOptions options, HttpClient? http = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // --influx.write.api v2 goes through InfluxDB.Client; v1 (influxd 1.x, which InfluxDB.Client cannot talk to)
        // through the library's own request. Both share the writer's buffer and retries.
        _writer = options.Connection.ApiVersion == InfluxApiVersion.V2
            ? new InfluxWriter(options, (o, h, _) => new InfluxClientTransport(o, h), http, time)
            : new InfluxWriter(options, http, time);
        _target = options.Connection.ToString();
    }

    /// <summary>The writer's counters (points written, buffered, dropped, last error).</summary>
    public InfluxWriterStats Stats => _writer.GetStats();

    /// <inheritdoc />
    public WriteBackState State => WriteBackState.From(_writer.GetStats(), _target);

    /// <inheritdoc />
    public void Hotspots(HotspotResult result) => Write(AnalyzerResultPoints.Hotspots(result));

    /// <inheritdoc />
    public void Plan(PlanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Write(AnalyzerResultPoints.Forecasts(result.Forecasts, result.Time).Concat(AnalyzerResultPoints.Migrations(result.Plan)));
    }

    /// <summary>Writes forecasts issued at <paramref name="issuedAt"/> (the <c>forecast</c> command).</summary>
    public void Forecasts(IEnumerable<EntityForecast> forecasts, long issuedAt) => Write(AnalyzerResultPoints.Forecasts(forecasts, issuedAt));

    /// <summary>Writes a plan and its hotspots (the <c>plan</c> command).</summary>
    public void Plan(MigrationPlan plan, HotspotReport hotspots)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Write(AnalyzerResultPoints.Migrations(plan).Concat(AnalyzerResultPoints.Hotspots(new HotspotResult(plan.PlanTime, hotspots))));
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for everything written to reach InfluxDB (one-shot commands before exit).
    /// Returns a line for stderr, and whether all points were delivered.
    /// </summary>
    public async Task<(bool Delivered, string Message)> DrainAsync(TimeSpan wait, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(wait);
        try
        {
            await _writer.FlushAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        var s = _writer.GetStats();
        return s.BufferedPoints == 0 && s.TotalDropped == 0
            ? (true, $"influx write-back: {s.PointsWritten} points written to {_writer.WriteUri.GetLeftPart(UriPartial.Path)}")
            : (false, $"influx write-back: {s.PointsWritten} points written, {s.BufferedPoints} still buffered, {s.TotalDropped} dropped; last error: {s.LastError ?? "none"}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Give the last batch a moment to leave; whatever is left stays in the disk buffer for the next start.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _writer.FlushAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    private void Write(IEnumerable<Influx.LineProtocol.PointData> points)
    {
        _writer.Write(points);
        _writer.Flush();
    }
}
