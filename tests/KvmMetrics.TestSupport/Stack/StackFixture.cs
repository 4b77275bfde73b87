using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Prometheus;
using Xunit;

namespace KvmMetrics.TestSupport.Stack;

/// <summary>
/// The one fixture for tests that need a running stack of real parts (guests on the local libvirtd, exporters, an
/// analyzer, Prometheus, Alertmanager): it is built once per collection, lazily from inside the first test that calls
/// <see cref="EnsureAsync"/> (so a missing component skips locally, and fails under CI=true, instead of failing the
/// fixture), a start failure is remembered so later tests fail at once with the cause, and every guest and process is
/// stopped at disposal in reverse start order, also when a test failed. A subclass only says what it starts
/// (<see cref="StartAsync"/>), with <see cref="AddGuestAsync"/> and <see cref="Own{T}"/>.
/// </summary>
public abstract class StackFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<TestGuest> _guests = [];
    private readonly List<IAsyncDisposable> _parts = [];
    private Exception? _startFailure;
    private bool _ready;

    /// <summary>Creates the fixture; <paramref name="suffixPrefix"/> marks this run's guest names (e.g. <c>-e2e</c>).</summary>
    protected StackFixture(string suffixPrefix)
    {
        Suffix = suffixPrefix + Guid.NewGuid().ToString("N")[..6];
        WorkDirectory = Directory.CreateTempSubdirectory("kmt-stack-");
    }

    /// <summary>Suffix of this run's guest names.</summary>
    public string Suffix { get; }

    /// <summary>A temporary directory for the stack's files, deleted at disposal.</summary>
    public DirectoryInfo WorkDirectory { get; }

    /// <summary>The real Prometheus of the stack (set by <see cref="StartAsync"/>).</summary>
    public PrometheusServer Prometheus { get; protected set; } = null!;

    /// <summary>Tools besides libvirtd the stack needs (<c>prometheus</c>, <c>prometheus-alertmanager</c>).</summary>
    protected abstract IEnumerable<string> RequiredTools { get; }

    /// <summary>Builds the stack once; later calls return at once (or rethrow the first start failure).</summary>
    public async Task EnsureAsync()
    {
        var host = LibvirtTestHost.Require();
        var tools = RequiredTools.ToDictionary(t => t, Requirements.RequireTool, StringComparer.Ordinal);
        await _gate.WaitAsync();
        try
        {
            if (_startFailure is not null)
            {
                throw new InvalidOperationException("the stack failed to start earlier", _startFailure);
            }

            if (_ready)
            {
                return;
            }

            try
            {
                await StartAsync(host, tools);
                _ready = true;
            }
            catch (Exception e)
            {
                _startFailure = e;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the parts; runs once, under the fixture's lock.</summary>
    /// <param name="host">The local libvirtd.</param>
    /// <param name="tools">Paths of <see cref="RequiredTools"/>.</param>
    protected abstract Task StartAsync(LibvirtTestHost host, IReadOnlyDictionary<string, string> tools);

    /// <summary>Creates and starts a guest that is destroyed and undefined at disposal; returns its name.</summary>
    protected async Task<string> AddGuestAsync(LibvirtTestHost host, GuestKind kind, GuestOptions? options = null)
    {
        var guest = await GuestFactory.CreateAsync(host, kind, (options ?? new GuestOptions()) with { NameSuffix = Suffix });
        _guests.Add(guest);
        return guest.Name;
    }

    /// <summary>Registers a started part for disposal (reverse order of registration) and returns it.</summary>
    protected T Own<T>(T part)
        where T : IAsyncDisposable
    {
        _parts.Add(part);
        return part;
    }

    /// <summary>Stops a part before the others (an exporter that dies part-way).</summary>
    protected async Task StopEarlyAsync(IAsyncDisposable part)
    {
        ArgumentNullException.ThrowIfNull(part);
        _parts.Remove(part);
        await part.DisposeAsync();
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            if (Prometheus is not null)
            {
                await Prometheus.DisposeAsync();
            }

            for (var i = _parts.Count - 1; i >= 0; i--)
            {
                await _parts[i].DisposeAsync();
            }
        }
        finally
        {
            await GuestFactory.DisposeAllAsync(_guests);
            _gate.Dispose();
            try
            {
                WorkDirectory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a file still held by a dying process
            }
        }
    }
}
