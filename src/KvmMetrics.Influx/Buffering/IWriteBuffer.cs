namespace KvmMetrics.Influx.Buffering;

/// <summary>A batch of line-protocol lines held in a buffer, oldest first.</summary>
/// <param name="Sequence">Position in the buffer, increasing in append order.</param>
/// <param name="Payload">UTF-8 lines, each ending in <c>\n</c>.</param>
/// <param name="Lines">Number of lines in <paramref name="Payload"/>.</param>
public sealed record BufferedBatch(long Sequence, byte[] Payload, int Lines);

/// <summary>What happened to an append.</summary>
/// <param name="Appended">True when the new batch is in the buffer.</param>
/// <param name="DroppedLines">Lines of older batches dropped to make room (buffer full).</param>
/// <param name="DroppedBatches">Older batches dropped to make room.</param>
/// <param name="Error">Why the new batch was not appended (too large, disk error), or null.</param>
public readonly record struct BufferAppendResult(bool Appended, long DroppedLines, int DroppedBatches, string? Error);

/// <summary>
/// A bounded FIFO of batches waiting to be sent. Appends may come from any thread; one consumer
/// peeks the head, sends it and acknowledges it. When full, the oldest batches (never the one in
/// flight) are dropped and reported in the append result so the caller can count them.
/// </summary>
public interface IWriteBuffer : IDisposable
{
    /// <summary>Bytes held (records not yet acknowledged).</summary>
    long Bytes { get; }

    /// <summary>Lines held.</summary>
    long Lines { get; }

    /// <summary>Batches held.</summary>
    int Batches { get; }

    /// <summary>Appends a batch, dropping the oldest batches when the size limit would be exceeded.</summary>
    BufferAppendResult Append(byte[] payload, int lines);

    /// <summary>The oldest batch not yet acknowledged, or null when empty. Until it is acknowledged or released it is in flight and never dropped for room.</summary>
    BufferedBatch? Peek();

    /// <summary>Gives the batch returned by <see cref="Peek"/> back without removing it (the send failed and will be retried); it may then be dropped for room.</summary>
    void Release(BufferedBatch batch);

    /// <summary>Removes the batch returned by <see cref="Peek"/> once it has been sent (or given up on).</summary>
    void Acknowledge(BufferedBatch batch);
}
