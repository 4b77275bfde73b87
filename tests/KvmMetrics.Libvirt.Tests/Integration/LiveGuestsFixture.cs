using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Libvirt.Tests.Integration;

/// <summary>One set of real guests shared by the integration tests of a class: idle, spinning, disk-reading, paused.</summary>
public sealed class LiveGuestsFixture : IAsyncLifetime
{
    private readonly List<TestGuest> _guests = [];

    public LibvirtTestHost? Host { get; private set; }

    public TestGuest Idle => _guests[0];

    public TestGuest Spin => _guests[1];

    public TestGuest DiskReader => _guests[2];

    public TestGuest Paused => _guests[3];

    public string? Problem { get; private set; }

    public async Task InitializeAsync()
    {
        try
        {
            Host = LibvirtTestHost.Require();
        }
        catch (Exception e) when (e is SkipException or InvalidOperationException)
        {
            // The tests call Require() themselves and skip (or fail under CI) with the reason.
            Problem = e.Message;
            return;
        }

        _guests.Add(await GuestFactory.CreateAsync(Host, GuestKind.Idle, new GuestOptions { Network = true }));
        _guests.Add(await GuestFactory.CreateAsync(Host, GuestKind.Spin));
        _guests.Add(await GuestFactory.CreateAsync(Host, GuestKind.DiskReader));
        _guests.Add(await GuestFactory.CreateAsync(Host, GuestKind.Idle, new GuestOptions { Paused = true, NameSuffix = "-paused" }));
    }

    public Task DisposeAsync() => GuestFactory.DisposeAllAsync(_guests);
}
