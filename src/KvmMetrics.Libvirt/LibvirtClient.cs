using System.Threading.Channels;
using KvmMetrics.Libvirt.Native;
using KvmMetrics.Libvirt.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvmMetrics.Libvirt;

/// <summary>
/// The <see cref="ILibvirtClient"/> over <c>libvirt.so.0</c>: one persistent read-only connection (keepalive optional;
/// with it on, calls run one at a time, see <see cref="LibvirtOptions.SerializeCalls"/>),
/// opened lazily and reopened with exponential backoff after it closes (keepalive timeout, libvirtd restart) or a
/// call fails with a connection error. libvirt's RPC client serves concurrent calls on one connection, so chunked
/// statistics run in parallel on it.
/// </summary>
public sealed partial class LibvirtClient : ILibvirtClient
{
    private readonly LibvirtOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NativeCallRunner _runner;
    private readonly Lock _gate = new();
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly EventSink _sink;
    private ConnectionHandle? _conn;
    private Task<ConnectionHandle>? _connecting;
    private DateTimeOffset _nextAttempt = DateTimeOffset.MinValue;
    private TimeSpan _backoff;
    private string _lastError = "never connected";
    private bool _reportedConnected;
    private bool _loopAcquired;
    private bool _disposed;

    /// <summary>Creates a client; it connects lazily on the first call.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the message names each bad option).</exception>
    public LibvirtClient(LibvirtOptions options, TimeProvider time, ILogger<LibvirtClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.EnsureValid();
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _runner = new NativeCallRunner(_options.SerializeCalls ? 1 : _options.MaxConcurrentCalls);
        _backoff = options.ReconnectBackoffInitial;
        _sink = new EventSink(this);
        _ = Task.Run(PumpEventsAsync);
    }

    /// <inheritdoc />
    public event EventHandler<DomainLifecycleEvent>? DomainLifecycle;

    /// <inheritdoc />
    public event EventHandler<ConnectionStateChanged>? ConnectionChanged;

    /// <inheritdoc />
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _conn is { Dead: false, IsClosed: false };
            }
        }
    }

    /// <summary>The options this client runs with.</summary>
    public LibvirtOptions Options => _options;

    /// <summary>Native calls currently running, including ones whose callers gave up (a hung libvirtd shows here).</summary>
    public int NativeCallsInFlight => _runner.InFlight;

    /// <inheritdoc />
    public async Task<IReadOnlyList<DomainStats>> GetAllDomainStatsAsync(StatsGroups groups, CancellationToken ct)
    {
        var chunks = _options.SerializeCalls ? 1 : _options.ParallelChunks;
        return chunks <= 1
            ? await RunAsync("GetAllDomainStats", h => NativeOperations.GetAllStats(h, groups, NativeMethods.StatsNoWait), ct).ConfigureAwait(false)
            : await RunAsync("ListGetStats", h => NativeOperations.GetStatsChunked(h, null, groups, NativeMethods.StatsNoWait, chunks), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DomainStats>> GetDomainStatsAsync(IReadOnlyList<string> uuids, StatsGroups groups, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uuids);
        var wanted = new HashSet<string>(uuids.Select(u => u.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return [];
        }

        var chunks = _options.SerializeCalls ? 1 : _options.ParallelChunks;
        return await RunAsync("ListGetStats", h => NativeOperations.GetStatsChunked(h, wanted, groups, NativeMethods.StatsNoWait, chunks), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<HostInfo> GetHostInfoAsync(CancellationToken ct) => RunAsync("GetHostInfo", NativeOperations.GetHostInfo, ct);

    /// <inheritdoc />
    public async Task<DomainDescription> GetDomainDescriptionAsync(string uuid, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uuid);
        if (!Guid.TryParse(uuid, out _))
        {
            throw new ArgumentException($"'{uuid}' is not a domain UUID (expected 8-4-4-4-12 hex digits)", nameof(uuid));
        }

        var xml = await RunAsync("GetXMLDesc", h => NativeOperations.GetDomainXml(h, uuid), ct).ConfigureAwait(false);
        try
        {
            return DomainXmlParser.Parse(xml);
        }
        catch (DomainXmlException e)
        {
            // One exception type for callers: libvirt handed us something unusable.
            throw new LibvirtException($"domain {uuid}: {e.Message}", e);
        }
    }

    /// <summary>Closes the connection (in the background if libvirtd does not answer) and stops the event loop when no other client uses it.</summary>
    public void Dispose()
    {
        ConnectionHandle? conn;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            conn = _conn;
            _conn = null;
        }

        if (conn is not null)
        {
            // virConnectClose talks to libvirtd; a stopped daemon must not hang Dispose for long.
            CloseInBackground(conn).Wait(TimeSpan.FromSeconds(2));
        }

        if (_loopAcquired)
        {
            LibvirtRuntime.ReleaseEventLoop();
        }

        _events.Writer.TryComplete();
        _runner.Dispose();
    }

    private async Task<T> RunAsync<T>(string name, Func<ConnectionHandle, T> op, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var handle = await GetConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            return await _runner.RunAsync(name, () => Guarded(handle, op), ct).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (handle.IsClosed)
        {
            throw new LibvirtException(LibvirtErrorCodes.InvalidConn, 0, name + ": the connection closed during the call; it reconnects on the next call");
        }
        catch (LibvirtException e) when (e.ConnectionLost)
        {
            Retire(handle, e.Message);
            throw;
        }
    }

    /// <summary>Runs on the native thread: a connection-type error is checked against <c>virConnectIsAlive</c> there.</summary>
    private static T Guarded<T>(ConnectionHandle handle, Func<ConnectionHandle, T> op)
    {
        try
        {
            return op(handle);
        }
        catch (LibvirtException e) when (e.IsConnectionError)
        {
            e.ConnectionLost = !NativeOperations.IsAlive(handle);
            throw;
        }
        catch (Decoding.TypedParameterDecodeException e)
        {
            throw new LibvirtException("libvirt returned undecodable statistics: " + e.Message, e);
        }
    }

    private Task<ConnectionHandle> GetConnectionAsync(CancellationToken ct)
    {
        Task<ConnectionHandle> connecting;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_conn is { Dead: false, IsClosed: false } live)
            {
                return Task.FromResult(live);
            }

            if (_connecting is null)
            {
                var now = _time.GetUtcNow();
                if (now < _nextAttempt)
                {
                    var wait = _nextAttempt - now;
                    throw new LibvirtException(
                        LibvirtErrorCodes.NoConnect,
                        0,
                        $"not connected to {_options.Uri}: {_lastError}; next attempt in {wait.TotalSeconds:0.0} s");
                }

                if (!_loopAcquired)
                {
                    try
                    {
                        LibvirtRuntime.AcquireEventLoop();
                    }
                    catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                    {
                        throw new LibvirtException("libvirt.so.0 could not be loaded; install the libvirt0 package (bash scripts/setup.sh)", e);
                    }

                    _loopAcquired = true;
                }

                _connecting = ConnectAsync();
            }

            connecting = _connecting;
        }

        return connecting.WaitAsync(ct);
    }

    private async Task<ConnectionHandle> ConnectAsync()
    {
        await Task.Yield();
        var started = _time.GetTimestamp();
        try
        {
            var closeOpaque = NativeCallbacks.NewOpaque(_sink);
            var eventOpaque = NativeCallbacks.NewOpaque(_sink);
            var metadataOpaque = NativeCallbacks.NewOpaque(_sink);
            var handle = await _runner.RunAsync(
                "open",
                () => NativeOperations.Open(_options.Uri, _options, closeOpaque, eventOpaque, metadataOpaque, started),
                CancellationToken.None).ConfigureAwait(false);
            bool disposed;
            lock (_gate)
            {
                disposed = _disposed;
                _connecting = null;
                if (!disposed)
                {
                    _conn = handle;
                    _backoff = _options.ReconnectBackoffInitial;
                    _nextAttempt = DateTimeOffset.MinValue;
                    _reportedConnected = true;
                }
            }

            if (disposed)
            {
                _ = CloseInBackground(handle);
                throw new ObjectDisposedException(nameof(LibvirtClient));
            }

            LogConnected(_logger, _options.Uri, _time.GetElapsedTime(started).TotalMilliseconds);
            Post(() => ConnectionChanged?.Invoke(this, new ConnectionStateChanged(true, "connected to " + _options.Uri)));
            return handle;
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            TimeSpan delay;
            bool report;
            lock (_gate)
            {
                _connecting = null;
                delay = _backoff;
                _nextAttempt = _time.GetUtcNow() + delay;
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _options.ReconnectBackoffMax.Ticks));
                _lastError = e.Message;
                report = _reportedConnected;
                _reportedConnected = false;
            }

            LogConnectFailed(_logger, _options.Uri, delay.TotalSeconds, e.Message);
            if (report)
            {
                Post(() => ConnectionChanged?.Invoke(this, new ConnectionStateChanged(false, e.Message)));
            }

            throw e is LibvirtException ? e : new LibvirtException("connecting to " + _options.Uri + " failed: " + e.Message, e);
        }
    }

    /// <summary>Marks a connection dead and closes it in the background; the next call reconnects.</summary>
    private void Retire(ConnectionHandle handle, string reason)
    {
        lock (_gate)
        {
            if (handle.Dead)
            {
                return;
            }

            handle.Dead = true;
            if (ReferenceEquals(_conn, handle))
            {
                _conn = null;
            }

            _lastError = reason;
            _reportedConnected = false;
        }

        LogDisconnected(_logger, _options.Uri, reason);
        _ = CloseInBackground(handle);
        Post(() => ConnectionChanged?.Invoke(this, new ConnectionStateChanged(false, reason)));
    }

    private static Task CloseInBackground(ConnectionHandle handle)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                handle.Dispose();
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "libvirt:close",
        };
        thread.Start();
        return done.Task;
    }

    private void Post(Action action) => _events.Writer.TryWrite(action);

    private async Task PumpEventsAsync()
    {
        await foreach (var action in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                action();
            }
#pragma warning disable CA1031 // a subscriber's bug must not stop event delivery
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_logger, e);
            }
        }
    }

    private static string CloseReason(int reason) => reason switch
    {
        0 => "connection error",
        1 => "end of file (libvirtd closed the connection)",
        2 => "keepalive timeout (libvirtd did not answer)",
        3 => "closed by client",
        _ => "close reason " + reason.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "libvirt connected to {Uri} in {Milliseconds:0.0} ms")]
    private static partial void LogConnected(ILogger logger, string uri, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "libvirt connection to {Uri} failed; retrying in {Seconds:0.0} s: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string uri, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "libvirt connection to {Uri} lost: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, string uri, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "a libvirt event handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    /// <summary>Routes native callbacks (event loop thread) to the client without exposing it to native code.</summary>
    private sealed class EventSink(LibvirtClient owner) : INativeEventSink
    {
        public void OnConnectionClosed(IntPtr conn, int reason)
        {
            ConnectionHandle? handle;
            lock (owner._gate)
            {
                handle = owner._conn;
            }

            if (handle is not null && !handle.IsClosed && handle.DangerousGetHandle() == conn && reason != 3)
            {
                owner.Retire(handle, CloseReason(reason));
            }
        }

        public void OnDomainEvent(DomainLifecycleEvent e) => owner.Post(() => owner.DomainLifecycle?.Invoke(owner, e));
    }
}
