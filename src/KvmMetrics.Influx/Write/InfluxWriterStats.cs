namespace KvmMetrics.Influx.Write;

/// <summary>Why points never reached the server.</summary>
public enum DropReason
{
    /// <summary>No field left to write: none given, or all were NaN/±Inf.</summary>
    NoFields,

    /// <summary>Empty measurement, tag key or field key.</summary>
    Invalid,

    /// <summary>The server rejected the line (HTTP 400 naming it, or another 4xx for the batch).</summary>
    Rejected,

    /// <summary>The buffer was full: the oldest batch was dropped to make room.</summary>
    BufferFull,

    /// <summary>The buffer could not store the batch (disk full, I/O error, batch larger than the buffer).</summary>
    BufferError,
}

/// <summary>A line the server refused, with its reason, kept for diagnostics.</summary>
/// <param name="Line">The line as sent (truncated to 512 characters).</param>
/// <param name="Reason">The server's message.</param>
/// <param name="At">When it was refused.</param>
public sealed record RejectedLine(string Line, string Reason, DateTimeOffset At);

/// <summary>
/// A point-in-time copy of an <see cref="InfluxWriter"/>'s counters, meant to be exported as
/// metrics by the host. Counters only grow during the writer's life.
/// </summary>
public sealed record InfluxWriterStats
{
    /// <summary>Points accepted by <c>Write</c> and put into the buffer.</summary>
    public long PointsQueued { get; init; }

    /// <summary>Points the server acknowledged (2xx, or the good part of a partial write).</summary>
    public long PointsWritten { get; init; }

    /// <summary>Points dropped, by reason; every reason is present (zero when none).</summary>
    public required IReadOnlyDictionary<DropReason, long> PointsDropped { get; init; }

    /// <summary>NaN/±Inf float fields left out of points (the point itself is kept when another field remains).</summary>
    public long NonFiniteFieldsDropped { get; init; }

    /// <summary>Bytes waiting in the buffer.</summary>
    public long BufferedBytes { get; init; }

    /// <summary>Points waiting in the buffer (plus the batch being filled).</summary>
    public long BufferedPoints { get; init; }

    /// <summary>Corrupt or torn bytes cut from the disk buffer when it was opened.</summary>
    public long BufferCorruptBytes { get; init; }

    /// <summary>HTTP write requests sent.</summary>
    public long Requests { get; init; }

    /// <summary>Requests that failed transiently and will be (or were) retried.</summary>
    public long Retries { get; init; }

    /// <summary>Request body bytes sent (after gzip).</summary>
    public long BytesSent { get; init; }

    /// <summary>The last error (server message or exception), or null when none happened yet.</summary>
    public string? LastError { get; init; }

    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>When the server last acknowledged a write.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>True when the last request succeeded (false while retrying).</summary>
    public bool LastRequestSucceeded { get; init; }

    /// <summary>Total points dropped for any reason.</summary>
    public long TotalDropped => PointsDropped.Values.Sum();
}
