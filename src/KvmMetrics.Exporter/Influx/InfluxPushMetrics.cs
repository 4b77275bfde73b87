using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Influx;

/// <summary>The self-metrics of the InfluxDB push (<c>kvm_exporter_influx_*</c>).</summary>
public static class InfluxPushMetrics
{
    /// <summary><c>kvm_exporter_influx_points_written_total</c>.</summary>
    public static readonly MetricDescriptor PointsWritten = new("kvm_exporter_influx_points_written_total", MetricType.Counter,
        "Points InfluxDB acknowledged (HTTP 204, or the accepted part of a partial write).");

    /// <summary><c>kvm_exporter_influx_points_dropped_total{reason}</c>.</summary>
    public static readonly MetricDescriptor PointsDropped = new("kvm_exporter_influx_points_dropped_total", MetricType.Counter,
        "Points that will never reach InfluxDB, by reason: no_fields (value NaN or infinite), invalid (empty name), rejected (InfluxDB refused the line), buffer_full (oldest data dropped at --influx.buffer-max-bytes), buffer_error (disk full or I/O error).",
        "reason");

    /// <summary><c>kvm_exporter_influx_buffer_bytes</c>.</summary>
    public static readonly MetricDescriptor BufferBytes = new("kvm_exporter_influx_buffer_bytes", MetricType.Gauge,
        "Bytes of line protocol waiting in the push buffer (on disk with --influx.buffer-dir).");

    /// <summary><c>kvm_exporter_influx_buffer_points</c>.</summary>
    public static readonly MetricDescriptor BufferPoints = new("kvm_exporter_influx_buffer_points", MetricType.Gauge,
        "Points waiting in the push buffer.");

    /// <summary><c>kvm_exporter_influx_requests_total</c>.</summary>
    public static readonly MetricDescriptor Requests = new("kvm_exporter_influx_requests_total", MetricType.Counter,
        "HTTP write requests sent to InfluxDB.");

    /// <summary><c>kvm_exporter_influx_retries_total</c>.</summary>
    public static readonly MetricDescriptor Retries = new("kvm_exporter_influx_retries_total", MetricType.Counter,
        "Write requests that failed transiently (connection error, timeout, 5xx, 429, auth) and are retried with backoff.");

    /// <summary><c>kvm_exporter_influx_sent_bytes_total</c>.</summary>
    public static readonly MetricDescriptor BytesSent = new("kvm_exporter_influx_sent_bytes_total", MetricType.Counter,
        "Request body bytes sent to InfluxDB (after gzip).");

    /// <summary><c>kvm_exporter_influx_up</c>.</summary>
    public static readonly MetricDescriptor Up = new("kvm_exporter_influx_up", MetricType.Gauge,
        "1 when the last write request to InfluxDB succeeded, 0 while writes fail and data accumulates in the buffer.");

    /// <summary><c>kvm_exporter_influx_last_success_timestamp_seconds</c>.</summary>
    public static readonly MetricDescriptor LastSuccess = new("kvm_exporter_influx_last_success_timestamp_seconds", MetricType.Gauge,
        "Unix time of the last write InfluxDB acknowledged (0 before the first).");

    /// <summary><c>kvm_exporter_influx_pushes_total{result}</c>.</summary>
    public static readonly MetricDescriptor Pushes = new("kvm_exporter_influx_pushes_total", MetricType.Counter,
        "Push rounds (one snapshot of all samples every --influx.interval), by result: success (queued) or error (the snapshot failed).",
        "result");

    /// <summary><c>kvm_exporter_influx_nonfinite_values_dropped_total</c>.</summary>
    public static readonly MetricDescriptor NonFinite = new("kvm_exporter_influx_nonfinite_values_dropped_total", MetricType.Counter,
        "Sample values that were NaN or infinite, which line protocol cannot carry (their points count as dropped with reason no_fields).");

    /// <summary>Every family, for documentation checks.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors =>
        [PointsWritten, PointsDropped, BufferBytes, BufferPoints, Requests, Retries, BytesSent, Up, LastSuccess, Pushes, NonFinite];
}
