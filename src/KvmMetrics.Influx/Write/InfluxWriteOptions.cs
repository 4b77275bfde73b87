using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Write;

/// <summary>
/// How <see cref="InfluxWriter"/> batches, buffers and retries. Every property has a documented
/// default; <see cref="Validate"/> names the property and the accepted range for a bad value.
/// </summary>
public sealed record InfluxWriteOptions
{
    /// <summary>The server to write to.</summary>
    public required InfluxConnectionOptions Connection { get; init; }

    /// <summary>Timestamp precision of the written lines; default nanoseconds.</summary>
    public WritePrecision Precision { get; init; } = WritePrecision.Nanoseconds;

    /// <summary>Compress request bodies with gzip (<c>Content-Encoding: gzip</c>); default true.</summary>
    public bool Gzip { get; init; } = true;

    /// <summary>Most lines per request; default 5000, 1 to 1,000,000.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>Size (uncompressed, counted in characters, so approximate for non-ASCII text) at which a batch is closed; default 4 MiB, 1 KiB to 64 MiB.</summary>
    public int BatchBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>A partly filled batch is sent after this long; default 1 s, 10 ms to 10 min.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Directory for the on-disk buffer; null keeps the buffer in memory (lost on restart).</summary>
    public string? BufferDirectory { get; init; }

    /// <summary>Most bytes held in the buffer before the oldest data is dropped (and counted); default 64 MiB, at least 64 KiB.</summary>
    public long BufferMaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>fsync each appended batch so a crash loses nothing acknowledged by <c>Write</c>; default true.</summary>
    public bool FsyncOnAppend { get; init; } = true;

    /// <summary>First retry delay; doubles per failure up to <see cref="RetryMaxDelay"/>, with jitter; default 1 s.</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay; default 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait honoured from a <c>Retry-After</c> header (429/503); default 5 min.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Connection.Validate(forWrite: true));
        if (BatchSize is < 1 or > 1_000_000)
        {
            errors.Add($"BatchSize {BatchSize} is out of range; use 1 to 1000000 lines.");
        }

        if (BatchBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"BatchBytes {BatchBytes} is out of range; use 1024 to 67108864.");
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(10) || FlushInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"FlushInterval {FlushInterval} is out of range; use 10 ms to 10 min.");
        }

        if (BufferMaxBytes < 64 * 1024)
        {
            errors.Add($"BufferMaxBytes {BufferMaxBytes} is too small; use at least 65536 (64 KiB).");
        }

        if (BufferMaxBytes < BatchBytes)
        {
            errors.Add($"BufferMaxBytes {BufferMaxBytes} is smaller than BatchBytes {BatchBytes}; a batch must fit in the buffer.");
        }

        if (BufferDirectory is { } dir && string.IsNullOrWhiteSpace(dir))
        {
            errors.Add("BufferDirectory is blank; give a directory path or leave it unset for an in-memory buffer.");
        }

        if (RetryInitialDelay <= TimeSpan.Zero || RetryMaxDelay < RetryInitialDelay)
        {
            errors.Add($"RetryInitialDelay {RetryInitialDelay} must be positive and at most RetryMaxDelay {RetryMaxDelay}.");
        }

        if (MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add("MaxRetryAfter must not be negative.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem found by <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB write options: " + string.Join(" ", errors));
        }
    }
}
