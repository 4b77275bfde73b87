using KvmMetrics.Exporter.Domains;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Tests.Domains;

public sealed class DomainDirectoryTests
{
    private static DomainStats Stats(string uuid, string name, int id) => new(uuid, name, id, []);

    [Fact]
    public void Update_KeepsOnlyRunningDomains()
    {
        var directory = new DomainDirectory();
        directory.Update([Stats("a", "web", 3), Stats("b", "db", -1)]);
        Assert.Equal(new RunningDomain("a", "web", 3), Assert.Single(directory.Running));
    }

    [Fact]
    public void Apply_StartedAndStoppedEvents_PatchTheListBetweenRounds()
    {
        var directory = new DomainDirectory();
        directory.Update([Stats("a", "web", 3)]);
        directory.Apply(new DomainLifecycleEvent("b", "db", 9, DomainLifecycleKind.Started, 0));
        Assert.Equal(["db", "web"], directory.Running.Select(d => d.Name));
        directory.Apply(new DomainLifecycleEvent("a", "web", -1, DomainLifecycleKind.Stopped, 2));
        Assert.Equal("b", Assert.Single(directory.Running).Uuid);
    }
}
