using KvmMetrics.Exporter.Collectors.Cgroup;

namespace KvmMetrics.Exporter.Tests.Collectors.Cgroup;

public class CgroupCollectorOptionsTests
{
    [Fact]
    public void Create_Defaults_DiscoverTheMount()
    {
        var options = CgroupCollectorOptions.Create(null);

        Assert.Null(options.Paths.CgroupRoot);
        Assert.Equal("/proc", options.Paths.ProcRoot);
        Assert.Equal("/var/run/libvirt/qemu", options.Paths.RunDir);
    }

    [Theory]
    [InlineData("relative/cgroup", "/proc", "/sys", "--path.cgroup")]
    [InlineData("/nonexistent-cgroup-root", "/proc", "/sys", "--path.cgroup")]
    [InlineData(null, "/nonexistent-proc", "/sys", "--path.proc")]
    [InlineData(null, "proc", "/sys", "--path.proc")]
    [InlineData(null, "/proc", "", "--path.sys")]
    public void Create_BadPath_NamesTheFlag(string? cgroup, string proc, string sys, string flag)
    {
        var e = Assert.Throws<ArgumentException>(() => CgroupCollectorOptions.Create(cgroup, proc, sys));

        Assert.Contains(flag, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ZeroRetryInterval_IsRejected() =>
        Assert.Throws<ArgumentException>(() => CgroupCollectorOptions.Create(null, retryInterval: TimeSpan.Zero));
}
