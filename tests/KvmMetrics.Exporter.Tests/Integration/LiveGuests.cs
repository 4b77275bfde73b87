using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>
/// Real guests on the local libvirtd, created once for a test class (idle, spinning, disk-reading, paused),
/// all named with a suffix unique to this fixture so the exporter can be filtered to exactly them.
/// Created lazily from inside a test (after <see cref="LibvirtTestHost.Require"/>), so a missing libvirt skips
/// instead of failing the fixture.
/// </summary>
public sealed class LiveGuests : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<TestGuest>? _guests;

    public string Suffix { get; } = "-e2x" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>An anchored regex matching exactly this fixture's guests.</summary>
    public string IncludeRegex => ".*" + Suffix;

    public TestGuest Idle => _guests![0];

    public TestGuest Spin => _guests![1];

    public TestGuest Reader => _guests![2];

    public TestGuest Paused => _guests![3];

    public async Task EnsureAsync(LibvirtTestHost host)
    {
        await _gate.WaitAsync();
        try
        {
            if (_guests is not null)
            {
                return;
            }

            var options = new GuestOptions { NameSuffix = Suffix };
            var created = new List<TestGuest>();
            try
            {
                created.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle, options));
                created.Add(await GuestFactory.CreateAsync(host, GuestKind.Spin, options));
                created.Add(await GuestFactory.CreateAsync(host, GuestKind.DiskReader, options));
                created.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle, options with { Paused = true }));
            }
            catch
            {
                await GuestFactory.DisposeAllAsync(created);
                throw;
            }

            _guests = created;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_guests is not null)
        {
            await GuestFactory.DisposeAllAsync(_guests);
        }

        _gate.Dispose();
    }
}
