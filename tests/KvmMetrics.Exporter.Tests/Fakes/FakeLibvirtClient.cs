using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Tests.Fakes;

/// <summary>An in-memory <see cref="ILibvirtClient"/>: returns the configured domains, can fail or hang on demand, counts calls.</summary>
public sealed class FakeLibvirtClient : ILibvirtClient
{
    private int _statsCalls;
    private int _descriptionCalls;

    public List<DomainStats> Domains { get; } = [];

    public Dictionary<string, DomainDescription> Descriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, stats calls throw this.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Stats calls wait for this task first (a hung libvirtd), honouring cancellation.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public TimeSpan Delay { get; set; }

    public int StatsCalls => Volatile.Read(ref _statsCalls);

    public int DescriptionCalls => Volatile.Read(ref _descriptionCalls);

    public bool IsConnected => Failure is null;

    public event EventHandler<DomainLifecycleEvent>? DomainLifecycle;

    public event EventHandler<ConnectionStateChanged>? ConnectionChanged;

    public void Raise(DomainLifecycleEvent e) => DomainLifecycle?.Invoke(this, e);

    public void RaiseConnection(bool connected) => ConnectionChanged?.Invoke(this, new ConnectionStateChanged(connected, "test"));

    public async Task<IReadOnlyList<DomainStats>> GetAllDomainStatsAsync(StatsGroups groups, CancellationToken ct)
    {
        Interlocked.Increment(ref _statsCalls);
        await Gate.WaitAsync(ct);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, ct);
        }

        if (Failure is not null)
        {
            throw Failure;
        }

        return Domains.ToArray();
    }

    public async Task<IReadOnlyList<DomainStats>> GetDomainStatsAsync(IReadOnlyList<string> uuids, StatsGroups groups, CancellationToken ct) =>
        (await GetAllDomainStatsAsync(groups, ct)).Where(d => uuids.Contains(d.Uuid)).ToArray();

    public Task<HostInfo> GetHostInfoAsync(CancellationToken ct) =>
        Task.FromResult(new HostInfo("host1", "9.0.0", "QEMU", "7.2.0", 4, 2000, 1, 2, 2, 8L << 30, 4L << 30) { CpuModel = "x86_64" });

    public Task<DomainDescription> GetDomainDescriptionAsync(string uuid, CancellationToken ct)
    {
        Interlocked.Increment(ref _descriptionCalls);
        return Descriptions.TryGetValue(uuid, out var d)
            ? Task.FromResult(d)
            : Task.FromException<DomainDescription>(new LibvirtException(LibvirtErrorCodes.NoDomain, 10, "no domain " + uuid));
    }

    public void Dispose()
    {
    }
}
