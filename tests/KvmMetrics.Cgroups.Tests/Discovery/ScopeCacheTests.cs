using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Cgroups.Tests.Discovery;

public class ScopeCacheTests
{
    [Fact]
    public void Update_SameDomains_ResolvesOnlyOnce()
    {
        var tree = FixtureTree.Shared("systemd-v2");
        var cache = NewCache(tree, new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        var domains = tree.Domains();

        cache.Update(domains);
        cache.Update(domains);

        Assert.Equal(domains.Count, cache.Resolutions);
    }

    [Fact]
    public void Update_IdChanged_ResolvesAgain()
    {
        var tree = FixtureTree.Shared("cgroupfs");
        var cache = NewCache(tree, new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        var runner = tree.Domains().Single(d => d.Name == "build-runner");
        cache.Update([runner]);

        var restarted = runner with { Id = 99 };
        var result = cache.Update([restarted]);

        Assert.Equal(2, cache.Resolutions);
        Assert.Null(result[0].Resolution.Scope); // the fixture has no qemu-99 directory
    }

    [Fact]
    public void Update_MissRetriedOnlyAfterInterval()
    {
        var tree = FixtureTree.Shared("systemd-v2");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var cache = NewCache(tree, time);
        var missing = tree.Domains().Single(d => d.Name == "batch-3");

        cache.Update([missing]);
        time.Advance(TimeSpan.FromSeconds(10));
        cache.Update([missing]);
        Assert.Equal(1, cache.Resolutions);

        time.Advance(TimeSpan.FromSeconds(25));
        cache.Update([missing]);
        Assert.Equal(2, cache.Resolutions);
    }

    [Fact]
    public void Update_ScopeDirectoryVanished_ResolvesAgain()
    {
        using var tree = FixtureTree.Materialize("cgroupfs");
        var cache = NewCache(tree, new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        var runner = tree.Domains().Single(d => d.Name == "build-runner");
        var first = cache.Update([runner])[0].Resolution.Scope!;

        Directory.Delete(first.ScopePath, recursive: true);
        var second = cache.Update([runner])[0].Resolution;

        Assert.Equal(2, cache.Resolutions);
        Assert.Null(second.Scope);
    }

    [Fact]
    public void Update_DomainStopped_IsForgotten()
    {
        var tree = FixtureTree.Shared("systemd-v2");
        var cache = NewCache(tree, new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        var domains = tree.Domains();
        cache.Update(domains);

        cache.Update(domains.Skip(1).ToList());
        cache.Update(domains);

        Assert.Equal(domains.Count + 1, cache.Resolutions);
    }

    private static ScopeCache NewCache(FixtureTree tree, TimeProvider time) =>
        new(new ScopeResolver(tree.Paths, CgroupMount.Discover(tree.Paths, out _)), time) { RetryInterval = TimeSpan.FromSeconds(30) };
}

