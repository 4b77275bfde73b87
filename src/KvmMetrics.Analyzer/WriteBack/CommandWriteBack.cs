using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Analyzer.WriteBack;

/// <summary>The write-back of the one-shot commands (<c>forecast</c>, <c>plan</c>) and the writer construction shared with <c>serve</c>.</summary>
public static class CommandWriteBack
{
    /// <summary>Creates the writer; an unusable buffer directory is a usage error naming the option.</summary>
    public static InfluxResultWriter Create(InfluxWriteOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return new InfluxResultWriter(options, http);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--influx.write.buffer-dir '{options.BufferDirectory}' cannot be opened: {e.Message}; give a writable directory");
        }
    }

    /// <summary>
    /// Writes with <paramref name="write"/> and waits (up to three request timeouts) until InfluxDB has the points.
    /// Returns the exit code: 0 when everything was written or write-back is off, 1 when points are still buffered
    /// (kept on disk with <c>--influx.write.buffer-dir</c> and sent by the next run) or were dropped.
    /// </summary>
    public static async Task<int> WriteAsync(InfluxWriteOptions? options, Action<InfluxResultWriter> write, TextWriter error, CancellationToken ct, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(error);
        if (options is null)
        {
            return 0;
        }

        var writer = Create(options, http);
        await using (writer.ConfigureAwait(false))
        {
            write(writer);
            var (delivered, message) = await writer.DrainAsync(options.Connection.Timeout * 3, ct).ConfigureAwait(false);
            var kept = options.BufferDirectory is null ? " (lost: no --influx.write.buffer-dir)" : $" (kept in {options.BufferDirectory} for the next run with --influx.write)";
            await error.WriteLineAsync(delivered ? message : "warning: " + message + kept).ConfigureAwait(false);
            return delivered ? 0 : 1;
        }
    }
}
