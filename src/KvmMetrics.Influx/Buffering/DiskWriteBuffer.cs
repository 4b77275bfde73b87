using System.Buffers.Binary;
using System.Globalization;

namespace KvmMetrics.Influx.Buffering;

/// <summary>
/// A bounded <see cref="IWriteBuffer"/> on disk that survives a restart: batches are appended as
/// checksummed records to numbered segment files (<c>00000000000000000001.seg</c>, ...) in one
/// directory, and a small <c>cursor</c> file records how far the consumer has acknowledged.
/// Reopening the directory resumes with the oldest unacknowledged batch. A torn record at the end
/// of a segment (crash mid-append) is cut off and counted in <see cref="CorruptBytesDiscarded"/>.
/// </summary>
/// <remarks>
/// Delivery is at least once: a batch sent but not yet acknowledged when the process dies is sent
/// again after the restart. InfluxDB overwrites a point with the same series and timestamp, so the
/// repeat does not duplicate data. Disk use can exceed the limit by the consumed head of one segment.
/// The in-flight batch is never dropped, so the limit can be exceeded by what is appended during one request.
/// </remarks>
public sealed class DiskWriteBuffer : IWriteBuffer
{
    private const uint Magic = 0x4B4D4946; // "KMIF"
    private const int HeaderBytes = 16;
    private const string SegmentSuffix = ".seg";
    private const string CursorFile = "cursor";

    private readonly Lock _gate = new();
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly bool _fsync;
    private readonly LinkedList<RecordRef> _queue = new();
    private readonly Dictionary<long, int> _liveRecordsPerSegment = [];
    private readonly Func<string, Stream> _openSegment;
    private Stream? _active;
    private long _activeLength;
    private long _activeId;
    private long _bytes;
    private long _lines;
    private long _nextSequence;
    private long? _inFlight;
    private bool _disposed;

    /// <summary>
    /// Opens (or creates) the buffer in <paramref name="directory"/>, holding at most
    /// <paramref name="maxBytes"/> bytes of records.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be created or read.</exception>
    public DiskWriteBuffer(string directory, long maxBytes, bool fsync = true)
        : this(directory, maxBytes, fsync, null)
    {
    }

    /// <summary>Test seam: <paramref name="openSegment"/> creates the stream for a new segment path.</summary>
    internal DiskWriteBuffer(string directory, long maxBytes, bool fsync, Func<string, Stream>? openSegment)
    {
        _openSegment = openSegment ?? (path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read));
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        _directory = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 8, 16 * 1024, 16L * 1024 * 1024);
        _fsync = fsync;
        Directory.CreateDirectory(_directory);
        Recover();
    }

    /// <summary>The directory holding the segment files.</summary>
    public string DirectoryPath => _directory;

    /// <summary>Bytes of torn or corrupt records cut off when the directory was opened.</summary>
    public long CorruptBytesDiscarded { get; private set; }

    /// <summary>Lines that were dropped at open because the buffer held more than its limit (after a limit decrease).</summary>
    public long LinesDroppedAtOpen { get; private set; }

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
            ObjectDisposedException.ThrowIf(_disposed, this);
            var recordBytes = HeaderBytes + (long)payload.Length;
            if (recordBytes > _maxBytes)
            {
                return new(false, 0, 0, $"batch of {payload.Length} bytes is larger than the whole buffer ({_maxBytes} bytes)");
            }

            var (droppedLines, droppedBatches) = MakeRoom(recordBytes);
            try
            {
                if (_active is null || (_activeLength > 0 && _activeLength + recordBytes > _segmentBytes))
                {
                    Roll();
                }

                var offset = _activeLength;
                var record = new byte[recordBytes];
                BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
                BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), payload.Length);
                BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), lines);
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), Crc32.Compute(payload));
                payload.CopyTo(record.AsSpan(HeaderBytes));
                try
                {
                    _active!.Write(record);
                    if (_active is FileStream fs)
                    {
                        fs.Flush(_fsync);
                    }
                    else
                    {
                        _active.Flush();
                    }

                    _activeLength += recordBytes;
                }
                catch (IOException)
                {
                    AbandonActive(offset);
                    throw;
                }

                Enqueue(new RecordRef(_nextSequence++, _activeId, offset, recordBytes, lines));
                return new(true, droppedLines, droppedBatches, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Disk full (ENOSPC), quota or permission problems: the batch is lost, reported to the caller.
                return new(false, droppedLines, droppedBatches, $"buffer write to {_directory} failed: {e.Message}");
            }
        }
    }

    /// <inheritdoc />
    public BufferedBatch? Peek()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_queue.First is { } node)
            {
                var r = node.Value;
                try
                {
                    var payload = ReadPayload(r);
                    _inFlight = r.Sequence;
                    return new BufferedBatch(r.Sequence, payload, r.Lines);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    // Unreadable record (file removed or damaged underneath us): count it as corrupt and move on.
                    CorruptBytesDiscarded += r.Length;
                    RemoveHead();
                }
            }

            _inFlight = null;
            return null;
        }
    }

    /// <inheritdoc />
    public void Acknowledge(BufferedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_queue.First is { } first && first.Value.Sequence == batch.Sequence)
            {
                RemoveHead();
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
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _active?.Dispose();
            _active = null;
        }
    }

    private (long Lines, int Batches) MakeRoom(long recordBytes)
    {
        long droppedLines = 0;
        var droppedBatches = 0;

        // Only the head is ever dropped, so the acknowledged prefix stays contiguous and one cursor
        // describes it. The batch being sent is not dropped under the sender: while one request is in
        // flight the limit can be exceeded by what is appended during that request.
        while (_bytes + recordBytes > _maxBytes && _queue.First is { } head && head.Value.Sequence != _inFlight)
        {
            droppedLines += head.Value.Lines;
            droppedBatches++;
            RemoveHead();
        }

        return (droppedLines, droppedBatches);
    }

    private void RemoveHead()
    {
        var head = _queue.First!;
        var r = head.Value;
        _queue.RemoveFirst();
        _bytes -= r.Length;
        _lines -= r.Lines;
        WriteCursor(r.SegmentId, r.Offset + r.Length);
        var left = --_liveRecordsPerSegment[r.SegmentId];
        if (left == 0 && r.SegmentId != _activeId)
        {
            _liveRecordsPerSegment.Remove(r.SegmentId);
            TryDelete(SegmentPath(r.SegmentId));
        }
    }

    private void Enqueue(RecordRef r)
    {
        _queue.AddLast(r);
        _bytes += r.Length;
        _lines += r.Lines;
        _liveRecordsPerSegment[r.SegmentId] = _liveRecordsPerSegment.GetValueOrDefault(r.SegmentId) + 1;
    }

    private void Roll()
    {
        var previous = _activeId;
        _active?.Dispose();
        _active = null;
        if (previous != 0 && _liveRecordsPerSegment.GetValueOrDefault(previous) == 0)
        {
            _liveRecordsPerSegment.Remove(previous);
            TryDelete(SegmentPath(previous));
        }

        _activeId = Math.Max(_activeId, MaxSegmentIdOnDisk()) + 1;
        _activeLength = 0;
        _active = _openSegment(SegmentPath(_activeId));
        _liveRecordsPerSegment.TryAdd(_activeId, 0);
    }

    private void AbandonActive(long goodLength)
    {
        // Cut the partial record if possible, and never append behind it again: the next append rolls.
        try
        {
            _active?.SetLength(goodLength);
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            // Reopen will detect the torn record by its checksum.
        }

        try
        {
            _active?.Dispose();
        }
        catch (IOException)
        {
            // Disposing flushes again and can fail the same way; the stream is closed regardless.
        }

        _active = null;
    }

    private byte[] ReadPayload(RecordRef r)
    {
        using var stream = new FileStream(SegmentPath(r.SegmentId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Position = r.Offset;
        var header = new byte[HeaderBytes];
        stream.ReadExactly(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        var payload = new byte[length];
        stream.ReadExactly(payload);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || Crc32.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12)))
        {
            throw new InvalidDataException($"record at {r.Offset} of segment {r.SegmentId} is damaged");
        }

        return payload;
    }

    private void Recover()
    {
        var (cursorSegment, cursorOffset) = ReadCursor();
        var ids = Directory.EnumerateFiles(_directory, "*" + SegmentSuffix)
            .Select(p => long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id > 0)
            .Order()
            .ToArray();
        foreach (var id in ids)
        {
            _activeId = Math.Max(_activeId, id);
            if (id < cursorSegment)
            {
                TryDelete(SegmentPath(id));
                continue;
            }

            ScanSegment(id, id == cursorSegment ? cursorOffset : 0);
            if (_liveRecordsPerSegment.GetValueOrDefault(id) == 0)
            {
                _liveRecordsPerSegment.Remove(id);
                TryDelete(SegmentPath(id));
            }
        }

        var (lines, _) = MakeRoom(0);
        LinesDroppedAtOpen = lines;
    }

    private void ScanSegment(long id, long consumedUpTo)
    {
        var path = SegmentPath(id);
        long goodEnd = 0;
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            length = stream.Length;
            var header = new byte[HeaderBytes];
            while (goodEnd + HeaderBytes <= length)
            {
                stream.Position = goodEnd;
                stream.ReadExactly(header);
                var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
                var lines = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
                if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || payloadLength < 0 || lines < 0
                    || goodEnd + HeaderBytes + payloadLength > length)
                {
                    break;
                }

                var payload = new byte[payloadLength];
                stream.ReadExactly(payload);
                if (Crc32.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12)))
                {
                    break;
                }

                var recordLength = HeaderBytes + (long)payloadLength;
                if (goodEnd >= consumedUpTo)
                {
                    Enqueue(new RecordRef(_nextSequence++, id, goodEnd, recordLength, lines));
                }

                goodEnd += recordLength;
            }
        }

        if (goodEnd < length)
        {
            CorruptBytesDiscarded += length - goodEnd;
            using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            truncate.SetLength(goodEnd);
        }
    }

    private (long Segment, long Offset) ReadCursor()
    {
        var path = Path.Combine(_directory, CursorFile);
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 16)
            {
                return (BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));
            }
        }
        catch (FileNotFoundException)
        {
        }

        return (0, 0);
    }

    private void WriteCursor(long segment, long offset)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, segment);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), offset);
        var tmp = Path.Combine(_directory, CursorFile + ".tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(_fsync);
            }

            // rename(2) is atomic: a crash leaves either the old or the new cursor, never half of one.
            File.Move(tmp, Path.Combine(_directory, CursorFile), overwrite: true);
        }
        catch (IOException)
        {
            // Without a new cursor the acknowledged batch is sent again after a restart: harmless (idempotent points).
        }
    }

    private long MaxSegmentIdOnDisk() =>
        Directory.EnumerateFiles(_directory, "*" + SegmentSuffix)
            .Select(p => long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .DefaultIfEmpty(0)
            .Max();

    private string SegmentPath(long id) => Path.Combine(_directory, id.ToString("D20", CultureInfo.InvariantCulture) + SegmentSuffix);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private readonly record struct RecordRef(long Sequence, long SegmentId, long Offset, long Length, int Lines);
}
