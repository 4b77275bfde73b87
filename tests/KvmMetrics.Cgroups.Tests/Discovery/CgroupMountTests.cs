using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Tests.Fixtures;

namespace KvmMetrics.Cgroups.Tests.Discovery;

public class CgroupMountTests
{
    [Fact]
    public void FindCgroup2MountPoints_HybridHost_FindsUnified()
    {
        const string mountinfo = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

        Assert.Equal(["/sys/fs/cgroup/unified"], CgroupMount.FindCgroup2MountPoints(mountinfo));
    }

    [Fact]
    public void FindCgroup2MountPoints_OptionalFields_AreSkipped()
    {
        const string mountinfo = "30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:9 master:2 - cgroup2 cgroup2 rw,nsdelegate\n";

        Assert.Equal(["/sys/fs/cgroup"], CgroupMount.FindCgroup2MountPoints(mountinfo));
    }

    [Fact]
    public void FindCgroup2MountPoints_OctalEscapes_AreDecoded()
    {
        const string mountinfo = @"30 22 0:26 / /mnt/my\040cgroup\134x rw - cgroup2 none rw" + "\n";

        Assert.Equal([@"/mnt/my cgroup\x"], CgroupMount.FindCgroup2MountPoints(mountinfo));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("- cgroup2")]
    [InlineData("1 2 3 4 - cgroup2")]
    [InlineData("1 2 3 4 5 6 -")]
    public void FindCgroup2MountPoints_Garbage_FindsNothing(string text) =>
        Assert.Empty(CgroupMount.FindCgroup2MountPoints(text));

    [Fact]
    public void Choose_PrefersPureV2OverUnified()
    {
        Assert.Equal("/sys/fs/cgroup", CgroupMount.Choose(["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]));
        Assert.Equal("/custom", CgroupMount.Choose(["/custom"]));
        Assert.Null(CgroupMount.Choose([]));
    }

    [Theory]
    [InlineData("systemd-v2", "sys/fs/cgroup")]
    [InlineData("cgroupfs", "sys/fs/cgroup")]
    [InlineData("hybrid", "sys/fs/cgroup/unified")]
    public void Discover_FixtureHost_ReRootsTheMountUnderSysRoot(string layout, string expected)
    {
        var tree = FixtureTree.Shared(layout);

        var root = CgroupMount.Discover(tree.Paths, out var reason);

        Assert.Equal(Path.Combine(tree.Root, expected), root);
        Assert.Equal("mountinfo", reason);
    }

    [Fact]
    public void Discover_V1OnlyHost_ReturnsNullWithReason()
    {
        using var tree = FixtureTree.Materialize("hybrid");
        var mountinfo = tree.PathOf("proc", "self", "mountinfo");
        File.WriteAllLines(mountinfo, File.ReadAllLines(mountinfo).Where(l => !l.Contains("cgroup2", StringComparison.Ordinal)));

        Assert.Null(CgroupMount.Discover(tree.Paths, out var reason));
        Assert.Contains("no cgroup2 mount", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_NoMountinfo_ReturnsNullWithReason()
    {
        var paths = new HostPaths("/nonexistent-proc", "/sys", "/run", null);

        Assert.Null(CgroupMount.Discover(paths, out var reason));
        Assert.Contains("/nonexistent-proc/self/mountinfo", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_ExplicitRoot_WinsOverMountinfo()
    {
        var tree = FixtureTree.Shared("hybrid");
        var explicitRoot = tree.PathOf("sys", "fs", "cgroup");

        Assert.Equal(explicitRoot, CgroupMount.Discover(tree.Paths with { CgroupRoot = explicitRoot }, out var reason));
        Assert.Equal("configured", reason);
    }

    [Fact]
    public void Discover_RealHost_FindsAMountThatHasCgroupProcs()
    {
        var root = CgroupMount.Discover(HostPaths.Default, out var reason);

        Requirements(root is not null, reason);
        Assert.True(File.Exists(Path.Combine(root!, "cgroup.procs")));
    }

    private static void Requirements(bool ok, string reason) => KvmMetrics.TestSupport.Requirements.Require(ok, "a cgroup2 mount on this host (" + reason + ")");
}
