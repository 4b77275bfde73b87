using System.Collections.Concurrent;
using System.Text;
using KvmMetrics.Influx.Buffering;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Write;

/// <summary>
/// Writes points to InfluxDB in the background: points are serialized to line protocol, gathered
/// into batches (by lines, bytes and time), appended to a bounded buffer (on disk when
/// <see cref="InfluxWriteOptions.BufferDirectory"/> is set), and a single sender drains the buffer
/// in order, retrying with backoff and jitter (honouring <c>Retry-After</c>) until the server takes
/// each batch. Lines the server rejects (HTTP 400 naming them) are dropped and reported; the rest
/// of their batch is kept. Nothing is dropped silently: see <see cref="GetStats"/>.
/// </summary>
public sealed class InfluxWriter : IAsyncDisposable
{
    private const int MaxRecentRejections = 20;

    private readonly InfluxWriteOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly IWriteBuffer _buffer;
    private readonly IWriteTransport _transport;
    private readonly Backoff _backoff;
    private readonly LineProtocolDialect _dialect;
    private readonly Lock _pendingGate = new();
    private readonly StringBuilder _pending = new();
    private readonly ITimer _flushTimer;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RejectedLine> _rejections = new();
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private readonly Lock _statusGate = new();
    private readonly Task _drainTask;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingLines;
    private long _queued;
    private long _written;
    private long _nonFinite;
    private long _requests;
    private long _retries;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _lastSuccessAt;
    private bool _lastOk = true;
    private long _workingSequence = -1;
    private List<string>? _workingLines;
    private int _disposed;

    /// <summary>
    /// Creates the writer and starts its sender. <paramref name="httpClient"/> is used as is (its
    /// own timeout should be infinite: <see cref="InfluxConnectionOptions.Timeout"/> applies per request).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    /// <exception cref="IOException">The buffer directory cannot be created or read.</exception>
    public InfluxWriter(InfluxWriteOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
        : this(options, httpClient, timeProvider, Random.Shared)
    {
    }

    /// <summary>
    /// Creates the writer with another transport (the analyzer's InfluxDB.Client one for the v2 API); batching, the
    /// buffer and the retries stay this writer's.
    /// </summary>
    public InfluxWriter(InfluxWriteOptions options, Func<InfluxWriteOptions, HttpClient, TimeProvider, IWriteTransport> transport, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
        : this(options, httpClient, timeProvider, Random.Shared, transport)
    {
    }

    internal InfluxWriter(InfluxWriteOptions options, HttpClient? httpClient, TimeProvider? timeProvider, Random jitter, Func<InfluxWriteOptions, HttpClient, TimeProvider, IWriteTransport>? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _buffer = options.BufferDirectory is { } dir
            ? new DiskWriteBuffer(dir, options.BufferMaxBytes, options.FsyncOnAppend)
            : new MemoryWriteBuffer(options.BufferMaxBytes);
        if (_buffer is DiskWriteBuffer disk && disk.LinesDroppedAtOpen > 0)
        {
            _dropped[(int)DropReason.BufferFull] += disk.LinesDroppedAtOpen;
        }

        _dialect = options.Connection.ApiVersion == InfluxApiVersion.V1 ? LineProtocolDialect.InfluxDb1 : LineProtocolDialect.Spec;
        _transport = transport is null ? new WriteTransport(options, _http, _time) : transport(options, _http, _time);
        _backoff = new Backoff(options.RetryInitialDelay, options.RetryMaxDelay, jitter);
        _flushTimer = _time.CreateTimer(_ => Flush(), null, options.FlushInterval, options.FlushInterval);
        _drainTask = Task.Run(DrainLoopAsync);
    }

    /// <summary>The URL batches are posted to (without credentials when basic auth is used).</summary>
    public Uri WriteUri => _transport.WriteUri;

    /// <summary>The most recent lines the server rejected (up to 20), oldest first.</summary>
    public IReadOnlyList<RejectedLine> RecentRejections => [.. _rejections];

    /// <summary>Queues one point. Points without a writable field or with an empty name are dropped and counted.</summary>
    public void Write(PointData point)
    {
        ArgumentNullException.ThrowIfNull(point);
        lock (_pendingGate)
        {
            var reason = LineProtocolSerializer.TryAppend(_pending, point, _options.Precision, out var nonFinite, _dialect);
            _nonFinite += nonFinite;
            if (reason is { } r)
            {
                _dropped[(int)(r == PointDropReason.NoFields ? DropReason.NoFields : DropReason.Invalid)]++;
                return;
            }

            AfterAppendLocked();
        }
    }

    /// <summary>Queues points in order.</summary>
    public void Write(IEnumerable<PointData> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        foreach (var point in points)
        {
            Write(point);
        }
    }

    /// <summary>
    /// Queues one line that is already in line protocol (timestamps in <see cref="InfluxWriteOptions.Precision"/>).
    /// It is not validated here: a bad line is rejected by the server and reported like any other.
    /// </summary>
    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lock (_pendingGate)
        {
            _pending.Append(line.TrimEnd('\n')).Append('\n');
            AfterAppendLocked();
        }
    }

    /// <summary>Moves the batch being filled into the buffer now, without waiting for the size or time trigger.</summary>
    public void Flush()
    {
        lock (_pendingGate)
        {
            CommitPendingLocked();
        }
    }

    /// <summary>
    /// Flushes the batch being filled and waits until the buffer is empty (everything written,
    /// or dropped and counted). While the server is down this waits; cancel <paramref name="ct"/> to stop waiting.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        Flush();
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (_buffer.Batches == 0)
            {
                return;
            }

            await progress.Task.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A copy of the counters, for export as metrics.</summary>
    public InfluxWriterStats GetStats()
    {
        var dropped = new Dictionary<DropReason, long>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            dropped[reason] = Interlocked.Read(ref _dropped[(int)reason]);
        }

        int pendingLines;
        lock (_pendingGate)
        {
            pendingLines = _pendingLines;
        }

        lock (_statusGate)
        {
            return new InfluxWriterStats
            {
                PointsQueued = Interlocked.Read(ref _queued),
                PointsWritten = Interlocked.Read(ref _written),
                PointsDropped = dropped,
                NonFiniteFieldsDropped = Interlocked.Read(ref _nonFinite),
                BufferedBytes = _buffer.Bytes,
                BufferedPoints = _buffer.Lines + pendingLines,
                BufferCorruptBytes = (_buffer as DiskWriteBuffer)?.CorruptBytesDiscarded ?? 0,
                Requests = Interlocked.Read(ref _requests),
                Retries = Interlocked.Read(ref _retries),
                BytesSent = _transport.BytesSent,
                LastError = _lastError,
                LastErrorAt = _lastErrorAt,
                LastSuccessAt = _lastSuccessAt,
                LastRequestSucceeded = _lastOk,
            };
        }
    }

    /// <summary>
    /// Stops the sender. The batch being filled goes to the buffer first; with a disk buffer every
    /// unsent batch is sent after the next start, with a memory buffer it is lost (call
    /// <see cref="FlushAsync"/> first to wait for it).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _flushTimer.DisposeAsync().ConfigureAwait(false);
        Flush();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _drainTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _buffer.Dispose();
        _stop.Dispose();
        _wake.Dispose();
        (_transport as IDisposable)?.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private void AfterAppendLocked()
    {
        _pendingLines++;
        if (_pendingLines >= _options.BatchSize || _pending.Length >= _options.BatchBytes)
        {
            CommitPendingLocked();
        }
    }

    private void CommitPendingLocked()
    {
        if (_pendingLines == 0)
        {
            return;
        }

        var payload = Encoding.UTF8.GetBytes(_pending.ToString());
        var lines = _pendingLines;
        _pending.Clear();
        _pendingLines = 0;
        var result = _buffer.Append(payload, lines);
        if (result.Appended)
        {
            Interlocked.Add(ref _queued, lines);
        }
        else
        {
            Interlocked.Add(ref _dropped[(int)DropReason.BufferError], lines);
            RecordError(result.Error ?? "buffer append failed", success: null);
        }

        if (result.DroppedLines > 0)
        {
            Interlocked.Add(ref _dropped[(int)DropReason.BufferFull], result.DroppedLines);
            RecordError($"buffer full ({_options.BufferMaxBytes} bytes): dropped the oldest {result.DroppedLines} points", success: null);
        }

        Wake();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or shutting down.
        }
    }

    private void SignalProgress() => Interlocked.Exchange(ref _progress, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task DrainLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await DrainOnceAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug or an unreadable buffer must not end delivery for the life of the process.
                RecordError("sender failed unexpectedly: " + e.Message, success: false);
                await Task.Delay(_options.RetryMaxDelay, _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DrainOnceAsync(CancellationToken ct)
    {
        var batch = _buffer.Peek();
        if (batch is null)
        {
            SignalProgress();
            await _wake.WaitAsync(ct).ConfigureAwait(false);
            return;
        }

        // The common case sends the stored bytes as they are; lines are split out only when the
        // server refuses part of a batch (400/413), and kept across retries of that batch.
        var retry = batch.Sequence == _workingSequence && _workingLines is not null
            ? await SendLinesAsync(_workingLines, ct).ConfigureAwait(false)
            : await SendPayloadAsync(batch, ct).ConfigureAwait(false);
        if (retry.Done)
        {
            _buffer.Acknowledge(batch);
            _workingSequence = -1;
            _workingLines = null;
            _backoff.Reset();
            SignalProgress();
            return;
        }

        _workingSequence = batch.Sequence;
        _workingLines = retry.Remaining;
        _buffer.Release(batch);
        Interlocked.Increment(ref _retries);
        SignalProgress();
        var delay = retry.RetryAfter is { } after
            ? (after > _options.MaxRetryAfter ? _options.MaxRetryAfter : after)
            : _backoff.Next();
        await Task.Delay(delay, _time, ct).ConfigureAwait(false);
    }

    private async Task<(bool Done, List<string>? Remaining, TimeSpan? RetryAfter)> SendPayloadAsync(BufferedBatch batch, CancellationToken ct)
    {
        Interlocked.Increment(ref _requests);
        var result = await _transport.SendAsync(batch.Payload, ct).ConfigureAwait(false);
        switch (result.Status)
        {
            case WriteStatus.Success:
                Interlocked.Add(ref _written, batch.Lines);
                RecordSuccess();
                return (true, null, null);
            case WriteStatus.Retryable:
                RecordError(result.Error!, success: false);
                return (false, null, result.RetryAfter);
        }

        var lines = LineSplitter.Split(Encoding.UTF8.GetString(batch.Payload), _dialect);
        switch (result.Status)
        {
            case WriteStatus.TooLarge when lines.Count > 1:
                return await SendLinesAsync([.. lines[..(lines.Count / 2)]], ct, [.. lines[(lines.Count / 2)..]]).ConfigureAwait(false);
            case WriteStatus.BadRequest:
                var parts = new Stack<List<string>>();
                HandleBadRequest(lines, result, parts);
                return parts.Count == 0 ? (true, null, null) : await SendLinesAsync(parts.Pop(), ct).ConfigureAwait(false);
            default:
                Reject(lines, Enumerable.Range(0, lines.Count), result.Error!);
                return (true, null, null);
        }
    }

    private async Task<(bool Done, List<string>? Remaining, TimeSpan? RetryAfter)> SendLinesAsync(List<string> lines, CancellationToken ct, List<string>? then = null)
    {
        // Parts still to send, next on top. A part shrinks when the server names bad lines, and
        // splits in two on 413 (body too large).
        var parts = new Stack<List<string>>();
        if (then is { Count: > 0 })
        {
            parts.Push(then);
        }

        parts.Push(lines);
        while (parts.Count > 0)
        {
            var part = parts.Peek();
            Interlocked.Increment(ref _requests);
            var result = await _transport.SendAsync(Join(part), ct).ConfigureAwait(false);
            switch (result.Status)
            {
                case WriteStatus.Success:
                    parts.Pop();
                    Interlocked.Add(ref _written, part.Count);
                    RecordSuccess();
                    break;
                case WriteStatus.Retryable:
                    RecordError(result.Error!, success: false);
                    return (false, [.. parts.SelectMany(p => p)], result.RetryAfter);
                case WriteStatus.TooLarge when part.Count > 1:
                    parts.Pop();
                    parts.Push(part[(part.Count / 2)..]);
                    parts.Push(part[..(part.Count / 2)]);
                    break;
                case WriteStatus.BadRequest:
                    parts.Pop();
                    HandleBadRequest(part, result, parts);
                    break;
                default:
                    parts.Pop();
                    Reject(part, Enumerable.Range(0, part.Count), result.Error!);
                    break;
            }
        }

        return (true, null, null);
    }

    private void HandleBadRequest(List<string> part, WriteResult result, Stack<List<string>> parts)
    {
        var info = PartialWriteInfo.Parse(result.Body ?? string.Empty, part);
        if (info.BadLines.Count > 0)
        {
            Reject(part, info.BadLines, info.Message);
            var goodCount = part.Count - info.BadLines.Count;
            if (info.GoodLinesWritten)
            {
                Interlocked.Add(ref _written, goodCount);
                RecordSuccess();
            }
            else if (goodCount > 0)
            {
                // The server refused the whole request because of the named lines: send the rest again.
                parts.Push([.. part.Where((_, i) => !info.BadLines.Contains(i))]);
            }
        }
        else if (info.GoodLinesWritten && info.DroppedCount is { } dropped && dropped <= part.Count)
        {
            // 1.x "partial write: field type conflict ... dropped=N" names no line: count what it says.
            Interlocked.Add(ref _dropped[(int)DropReason.Rejected], dropped);
            Interlocked.Add(ref _written, part.Count - dropped);
            AddRejection($"({dropped} of {part.Count} lines)", info.Message);
            RecordError($"server dropped {dropped} points: {WriteTransport.Shorten(info.Message)}", success: true);
        }
        else
        {
            Reject(part, Enumerable.Range(0, part.Count), result.Error!);
        }
    }

    private void Reject(List<string> part, IEnumerable<int> indexes, string reason)
    {
        var count = 0;
        foreach (var i in indexes)
        {
            count++;
            AddRejection(part[i], reason);
        }

        Interlocked.Add(ref _dropped[(int)DropReason.Rejected], count);
        RecordError($"server rejected {count} line(s): {WriteTransport.Shorten(reason)}", success: true);
    }

    private void AddRejection(string line, string reason)
    {
        _rejections.Enqueue(new RejectedLine(line.Length <= 512 ? line : line[..512], reason, _time.GetUtcNow()));
        while (_rejections.Count > MaxRecentRejections && _rejections.TryDequeue(out _))
        {
        }
    }

    private void RecordSuccess()
    {
        lock (_statusGate)
        {
            _lastSuccessAt = _time.GetUtcNow();
            _lastOk = true;
        }
    }

    private void RecordError(string error, bool? success)
    {
        lock (_statusGate)
        {
            _lastError = error;
            _lastErrorAt = _time.GetUtcNow();
            if (success is { } ok)
            {
                _lastOk = ok;
            }
        }
    }

    private static byte[] Join(List<string> lines)
    {
        var sb = new StringBuilder(lines.Sum(l => l.Length + 1));
        foreach (var line in lines)
        {
            sb.Append(line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
