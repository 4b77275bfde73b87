namespace KvmMetrics.Influx.Buffering;

/// <summary>An in-memory <see cref="IWriteBuffer"/>: same bounds and ordering as the disk buffer, lost on restart.</summary>
public sealed class MemoryWriteBuffer : IWriteBuffer
{
    private readonly Lock _gate = new();
    private readonly LinkedList<BufferedBatch> _queue = new();
    private readonly long _maxBytes;
    private long _bytes;
    private long _lines;
    private long _nextSequence;
    private long? _inFlight;

    /// <summary>Creates a buffer holding at most <paramref name="maxBytes"/> bytes of payload.</summary>
    public MemoryWriteBuffer(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxBytes = maxBytes;
    }

    /// <inheritdoc />
    public long Bytes { get { lock (_gate) { return _bytes; } } }

    /// <inheritdoc />
    public long Lines { get { lock (_gate) { return _lines; } } }

    /// <inheritdoc />
    public int Batches { get { lock (_gate) { return _queue.Count; } } }

    /// <inheritdoc />
    public BufferAppendResult Append(byte[] payload, int lines)
    {
        ArgumentNullException.ThrowIfNull(payload);
        lock (_gate)
        {
            if (payload.Length > _maxBytes)
            {
                return new(false, 0, 0, $"batch of {payload.Length} bytes is larger than the whole buffer ({_maxBytes} bytes)");
            }

            long droppedLines = 0;
            var droppedBatches = 0;
            while (_bytes + payload.Length > _maxBytes && _queue.First is { } head && head.Value.Sequence != _inFlight)
            {
                droppedLines += head.Value.Lines;
                droppedBatches++;
                Remove(head);
            }

            _queue.AddLast(new BufferedBatch(_nextSequence++, payload, lines));
            _bytes += payload.Length;
            _lines += lines;
            return new(true, droppedLines, droppedBatches, null);
        }
    }

    /// <inheritdoc />
    public BufferedBatch? Peek()
    {
        lock (_gate)
        {
            var head = _queue.First?.Value;
            _inFlight = head?.Sequence;
            return head;
        }
    }

    /// <inheritdoc />
    public void Acknowledge(BufferedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            if (_queue.First is { } first && first.Value.Sequence == batch.Sequence)
            {
                Remove(first);
            }

            _inFlight = null;
        }
    }

    /// <inheritdoc />
    public void Release(BufferedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            if (_inFlight == batch.Sequence)
            {
                _inFlight = null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Remove(LinkedListNode<BufferedBatch> node)
    {
        _bytes -= node.Value.Payload.Length;
        _lines -= node.Value.Lines;
        _queue.Remove(node);
    }
}
