using KvmMetrics.Influx.Write;

namespace KvmMetrics.Analyzer.Service;

/// <summary>
/// The delivery state of the InfluxDB write-back (<c>--influx.write</c>) at one moment: what <c>/api/v1/status</c>
/// shows and the <c>kvm_analyzer_influx_*</c> families of <c>/metrics</c> export, taken from one
/// <see cref="InfluxWriterStats"/> snapshot so both agree.
/// </summary>
/// <param name="Target">The write endpoint as logged (<see cref="KvmMetrics.Influx.InfluxConnectionOptions.ToString"/>: no credentials).</param>
/// <param name="Up">True when the last write request succeeded; false before the first and while writes fail and points wait in the buffer.</param>
/// <param name="PointsWritten">Points InfluxDB acknowledged since the start.</param>
/// <param name="PointsBuffered">Points waiting in the buffer (on disk with <c>--influx.write.buffer-dir</c>).</param>
/// <param name="BufferedBytes">Bytes of line protocol waiting in the buffer.</param>
/// <param name="PointsDropped">Points that will never arrive, by reason (<see cref="DropReasons"/>; every reason present).</param>
/// <param name="Requests">HTTP write requests sent.</param>
/// <param name="Retries">Write requests that failed transiently and are retried with backoff.</param>
/// <param name="LastSuccess">Unix time of the last acknowledged write; 0 before the first.</param>
/// <param name="LastError">The last error (server message or exception), or null when none happened.</param>
/// <param name="LastErrorAt">Unix time of <paramref name="LastError"/>, or null.</param>
public sealed record WriteBackState(
    string Target,
    bool Up,
    long PointsWritten,
    long PointsBuffered,
    long BufferedBytes,
    IReadOnlyDictionary<string, long> PointsDropped,
    long Requests,
    long Retries,
    double LastSuccess,
    string? LastError,
    long? LastErrorAt)
{
    /// <summary>
    /// The <c>reason</c> label of each <see cref="DropReason"/>, the same values as the exporter's
    /// <c>kvm_exporter_influx_points_dropped_total{reason}</c> (a test compares them).
    /// </summary>
    public static IReadOnlyList<(DropReason Reason, string Label)> DropReasons { get; } =
    [
        (DropReason.NoFields, "no_fields"),
        (DropReason.Invalid, "invalid"),
        (DropReason.Rejected, "rejected"),
        (DropReason.BufferFull, "buffer_full"),
        (DropReason.BufferError, "buffer_error"),
    ];

    /// <summary>Total points dropped for any reason.</summary>
    public long TotalDropped => PointsDropped.Values.Sum();

    /// <summary>The state of a writer to <paramref name="target"/> from its counters.</summary>
    public static WriteBackState From(InfluxWriterStats stats, string target)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(target);
        var dropped = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, label) in DropReasons)
        {
            dropped.Add(label, stats.PointsDropped.GetValueOrDefault(reason));
        }

        return new WriteBackState(
            target,
            stats.LastRequestSucceeded,
            stats.PointsWritten,
            stats.BufferedPoints,
            stats.BufferedBytes,
            dropped,
            stats.Requests,
            stats.Retries,
            stats.LastSuccessAt is { } at ? at.ToUnixTimeMilliseconds() / 1000.0 : 0,
            stats.LastError,
            stats.LastErrorAt?.ToUnixTimeSeconds());
    }
}
