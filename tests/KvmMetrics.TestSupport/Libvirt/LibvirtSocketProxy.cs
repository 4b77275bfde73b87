using System.Net.Sockets;

namespace KvmMetrics.TestSupport.Libvirt;

/// <summary>
/// A private Unix-socket relay in front of libvirtd's read-only socket, so a test can fake libvirtd faults for one
/// client only: <see cref="Freeze"/> stops relaying bytes (to the client exactly what a SIGSTOPped daemon looks like:
/// the socket stays open, nothing answers), <see cref="KillAsync"/> resets every connection and refuses new ones until
/// <see cref="Restart"/> (what <c>kill -9</c> of libvirtd and a later start look like). The shared libvirtd is never
/// touched, so a 60 s freeze does not disturb other test runs. Connect with <see cref="Uri"/>.
/// </summary>
public sealed class LibvirtSocketProxy : IAsyncDisposable
{
    /// <summary>libvirtd's read-only socket (the one the exporter uses).</summary>
    public const string ReadOnlySocket = "/var/run/libvirt/libvirt-sock-ro";

    private readonly string _target;
    private readonly string _path;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(Socket Client, Socket Upstream)> _pairs = [];
    private TaskCompletionSource _running = NewOpenGate();
    private volatile bool _killed;
    private readonly Task _accept;

    private LibvirtSocketProxy(string target, string path)
    {
        _target = target;
        _path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(64);
        _accept = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The libvirt URI that reaches libvirtd through this relay.</summary>
    public string Uri => "qemu+unix:///system?socket=" + _path;

    /// <summary>Connections accepted so far (each reconnect of the client is one more).</summary>
    public int Accepted { get; private set; }

    /// <summary>Starts a relay to <paramref name="target"/> (default: libvirtd's read-only socket) on a fresh socket path.</summary>
    public static LibvirtSocketProxy Start(string target = ReadOnlySocket)
    {
        var dir = Directory.CreateTempSubdirectory("kmt-lvproxy-");
        return new LibvirtSocketProxy(target, Path.Combine(dir.FullName, "libvirt-sock"));
    }

    /// <summary>Stops relaying in both directions until the returned handle is disposed.</summary>
    public IDisposable Freeze()
    {
        lock (_lock)
        {
            if (_running.Task.IsCompleted)
            {
                _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Thaw(this);
    }

    /// <summary>Resets every relayed connection and refuses new ones until <see cref="Restart"/>.</summary>
    public void Kill()
    {
        _killed = true;
        lock (_lock)
        {
            foreach (var (client, upstream) in _pairs)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                upstream.Close();
            }

            _pairs.Clear();
        }
    }

    /// <summary>Accepts and relays connections again after <see cref="Kill"/>.</summary>
    public void Restart() => _killed = false;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Resume();
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        Kill();
        try
        {
            await _accept.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private void Resume()
    {
        lock (_lock)
        {
            _running.TrySetResult();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_killed)
            {
                // a dead daemon: the socket file is there but nobody serves it
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Close();
                upstream.Dispose();
                continue;
            }

            lock (_lock)
            {
                _pairs.Add((client, upstream));
                Accepted++;
            }

            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                Task gate;
                lock (_lock)
                {
                    gate = _running.Task;
                }

                // Frozen: neither read nor write, so requests and replies wait in the kernel buffers as they would
                // for a stopped daemon.
                await gate.WaitAsync(_stop.Token).ConfigureAwait(false);
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                lock (_lock)
                {
                    gate = _running.Task;
                }

                await gate.WaitAsync(_stop.Token).ConfigureAwait(false);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private sealed class Thaw(LibvirtSocketProxy proxy) : IDisposable
    {
        public void Dispose() => proxy.Resume();
    }
}
