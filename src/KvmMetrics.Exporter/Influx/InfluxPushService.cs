using KvmMetrics.Exposition;
using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Write;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Influx;

/// <summary>
/// Pushes the samples the exporter serves on /metrics to InfluxDB every
/// <see cref="InfluxPushOptions.Interval"/>: measurement = metric name, one tag per label
/// (<c>uuid</c>, <c>domain</c>, <c>device</c>, ...) plus <c>host</c>, one float field <c>value</c>,
/// the push time as timestamp. Delivery, buffering and retries are <see cref="InfluxWriter"/>'s;
/// this service only snapshots, converts and reports (<see cref="WriteSelfMetrics"/>, logs on state changes).
/// </summary>
public sealed partial class InfluxPushService : BackgroundService
{
    /// <summary>The tag carrying <see cref="InfluxPushOptions.HostTag"/>.</summary>
    public const string HostTagName = "host";

    private static readonly (DropReason Reason, string Label)[] DropLabels =
    [
        (DropReason.NoFields, "no_fields"),
        (DropReason.Invalid, "invalid"),
        (DropReason.Rejected, "rejected"),
        (DropReason.BufferFull, "buffer_full"),
        (DropReason.BufferError, "buffer_error"),
    ];

    private readonly InfluxPushOptions _options;
    private readonly Func<CancellationToken, Task<MetricSet>> _snapshot;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly InfluxWriter _writer;
    private long _pushOk;
    private long _pushFailed;
    private bool _reportedDown;
    private long _reportedDropped;

    /// <summary>Creates the service and its writer (opening the buffer directory, so a bad directory fails at start).</summary>
    /// <exception cref="ArgumentException">The options are invalid, or the buffer directory or a secret file cannot be opened.</exception>
    public InfluxPushService(
        InfluxPushOptions options,
        Func<CancellationToken, Task<MetricSet>> snapshot,
        ILogger<InfluxPushService> logger,
        TimeProvider? timeProvider = null,
        HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB push options: " + string.Join(" ", errors));
        }

        _options = options;
        _snapshot = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? TimeProvider.System;
        try
        {
            _writer = new InfluxWriter(options.ToWriteOptions(), httpClient, _time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException(
                $"--influx.buffer-dir / secret files: cannot open '{options.BufferDirectory}': {e.Message}. Give a writable directory (it is created if missing).", e);
        }
    }

    /// <summary>The writer's counters.</summary>
    public InfluxWriterStats Stats => _writer.GetStats();

    /// <summary>Converts a metric set to points: one per sample, labels as tags plus <c>host</c>, field <c>value</c>.</summary>
    public static IEnumerable<PointData> ToPoints(MetricSet set, string host, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(set);
        foreach (var family in set.Families)
        {
            var labels = family.Descriptor.LabelNames;
            var hasHostLabel = labels.Contains(HostTagName);
            foreach (var sample in family.Samples)
            {
                var point = new PointData(family.Descriptor.Name);
                for (var i = 0; i < labels.Count; i++)
                {
                    point.Tag(labels[i], sample.LabelValues[i]);
                }

                // A metric's own 'host' label (rare) wins over the exporter's host tag.
                if (!hasHostLabel)
                {
                    point.Tag(HostTagName, host);
                }

                yield return point.Field("value", sample.Value).Timestamp(timestamp);
            }
        }
    }

    /// <summary>Takes one snapshot and queues its samples; the writer sends them in the background.</summary>
    /// <returns>The number of samples queued (0 when the snapshot failed).</returns>
    public async Task<int> PushOnceAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        MetricSet set;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(_options.Interval);
            try
            {
                set = await _snapshot(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _pushFailed);
                LogSnapshotFailed(_logger, e.Message);
                return 0;
            }
        }

        var count = 0;
        foreach (var point in ToPoints(set, _options.HostTag, now))
        {
            _writer.Write(point);
            count++;
        }

        _writer.Flush();
        Interlocked.Increment(ref _pushOk);
        ReportStateChanges();
        return count;
    }

    /// <summary>Adds the <c>kvm_exporter_influx_*</c> self-metrics (see <see cref="InfluxPushMetrics"/>) to <paramref name="sink"/>.</summary>
    public void WriteSelfMetrics(IMetricSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var s = _writer.GetStats();
        sink.Add(InfluxPushMetrics.PointsWritten, s.PointsWritten);
        foreach (var (reason, label) in DropLabels)
        {
            sink.Add(InfluxPushMetrics.PointsDropped, s.PointsDropped[reason], label);
        }

        sink.Add(InfluxPushMetrics.BufferBytes, s.BufferedBytes);
        sink.Add(InfluxPushMetrics.BufferPoints, s.BufferedPoints);
        sink.Add(InfluxPushMetrics.Requests, s.Requests);
        sink.Add(InfluxPushMetrics.Retries, s.Retries);
        sink.Add(InfluxPushMetrics.BytesSent, s.BytesSent);
        sink.Add(InfluxPushMetrics.Up, s.LastRequestSucceeded ? 1 : 0);
        sink.Add(InfluxPushMetrics.LastSuccess, s.LastSuccessAt is { } at ? at.ToUnixTimeMilliseconds() / 1000.0 : 0);
        sink.Add(InfluxPushMetrics.Pushes, Interlocked.Read(ref _pushOk), "success");
        sink.Add(InfluxPushMetrics.Pushes, Interlocked.Read(ref _pushFailed), "error");
        sink.Add(InfluxPushMetrics.NonFinite, s.NonFiniteFieldsDropped);
    }

    /// <summary>Waits (up to <paramref name="ct"/>) until everything queued has been written or dropped.</summary>
    public Task FlushAsync(CancellationToken ct) => _writer.FlushAsync(ct);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // Give the last batch a moment to leave; whatever is left stays in the disk buffer for the next start.
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await _writer.FlushAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogStoppedWithBacklog(_logger, _writer.GetStats().BufferedPoints);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, _options.ToString(), _writer.WriteUri.GetLeftPart(UriPartial.Path));
        using var timer = new PeriodicTimer(_options.Interval, _time);
        try
        {
            do
            {
                await PushOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void ReportStateChanges()
    {
        var s = _writer.GetStats();
        if (!s.LastRequestSucceeded && !_reportedDown)
        {
            _reportedDown = true;
            LogWritesFailing(_logger, s.LastError ?? "unknown error", s.BufferedPoints);
        }
        else if (s.LastRequestSucceeded && _reportedDown)
        {
            _reportedDown = false;
            LogWritesRecovered(_logger, s.BufferedPoints);
        }

        // NaN samples (no_fields) are routine for some gauges and only counted; real losses are logged.
        var lost = s.TotalDropped - s.PointsDropped[DropReason.NoFields];
        if (lost > _reportedDropped)
        {
            LogPointsDropped(_logger, lost - _reportedDropped, s.LastError ?? string.Empty);
            _reportedDropped = lost;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "InfluxDB push to {Target} started, writing to {WriteUrl}")]
    private static partial void LogStarted(ILogger logger, string target, string writeUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB snapshot failed, nothing pushed this round: {Error}")]
    private static partial void LogSnapshotFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB writes failing, buffering ({Buffered} points waiting): {Error}")]
    private static partial void LogWritesFailing(ILogger logger, string error, long buffered);

    [LoggerMessage(Level = LogLevel.Information, Message = "InfluxDB writes succeed again; {Buffered} points still draining")]
    private static partial void LogWritesRecovered(ILogger logger, long buffered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB push dropped {Count} points since the last report: {LastError}")]
    private static partial void LogPointsDropped(ILogger logger, long count, string lastError);

    [LoggerMessage(Level = LogLevel.Information, Message = "InfluxDB push stopped with {Buffered} points not yet written (kept in the buffer directory if one is set)")]
    private static partial void LogStoppedWithBacklog(ILogger logger, long buffered);
}
