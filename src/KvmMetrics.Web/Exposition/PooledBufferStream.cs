using System.Buffers;

namespace KvmMetrics.Web.Exposition;

/// <summary>
/// A write-only stream over pooled 64 KiB segments: a scrape is rendered completely into it before
/// any header is sent, then copied to the response. Dispose returns the segments to the pool.
/// </summary>
public sealed class PooledBufferStream : Stream
{
    private const int SegmentSize = 64 * 1024;
    private readonly List<byte[]> _segments = [];
    private int _lastUsed = SegmentSize;
    private long _length;

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (_lastUsed == SegmentSize)
            {
                _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
                _lastUsed = 0;
            }

            var n = Math.Min(buffer.Length, SegmentSize - _lastUsed);
            buffer[..n].CopyTo(_segments[^1].AsSpan(_lastUsed));
            _lastUsed += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Copies everything written so far to <paramref name="destination"/>.</summary>
    public async Task WriteContentToAsync(Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        for (var i = 0; i < _segments.Count; i++)
        {
            var count = i == _segments.Count - 1 ? _lastUsed : SegmentSize;
            await destination.WriteAsync(_segments[i].AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Copies everything written so far to <paramref name="destination"/> synchronously.</summary>
    public void WriteContentTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        for (var i = 0; i < _segments.Count; i++)
        {
            destination.Write(_segments[i], 0, i == _segments.Count - 1 ? _lastUsed : SegmentSize);
        }
    }

    /// <summary>The content as one array (tests).</summary>
    public byte[] ToArray()
    {
        using var copy = new MemoryStream((int)_length);
        WriteContentTo(copy);
        return copy.ToArray();
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _lastUsed = SegmentSize;
        _length = 0;
        base.Dispose(disposing);
    }
}
