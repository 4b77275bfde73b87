using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Tests.Fixtures;

namespace KvmMetrics.Cgroups.Tests.Discovery;

public class BlockDeviceNamesTests
{
    [Fact]
    public void Resolve_Uevent_GivesDevname()
    {
        var tree = FixtureTree.Shared("systemd-v2");

        Assert.Equal("dm-2", new BlockDeviceNames(tree.PathOf("sys")).Resolve(253, 2));
    }

    [Fact]
    public void Resolve_SymlinkWithoutDevname_GivesLinkTargetName()
    {
        using var sys = new TempDirectory();
        var devices = Path.Combine(sys.Path, "devices", "virtual", "block", "loop7");
        Directory.CreateDirectory(devices);
        Directory.CreateDirectory(Path.Combine(sys.Path, "dev", "block"));
        File.WriteAllText(Path.Combine(devices, "uevent"), "MAJOR=7\nMINOR=7\n");
        File.CreateSymbolicLink(Path.Combine(sys.Path, "dev", "block", "7:7"), "../../devices/virtual/block/loop7");

        Assert.Equal("loop7", new BlockDeviceNames(sys.Path).Resolve(7, 7));
    }

    [Fact]
    public void Resolve_Unknown_KeepsNumberAndRetriesLater()
    {
        using var sys = new TempDirectory();
        var names = new BlockDeviceNames(sys.Path);
        Assert.Equal("8:32", names.Resolve(8, 32));

        var dir = Path.Combine(sys.Path, "dev", "block", "8:32");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "uevent"), "MAJOR=8\nMINOR=32\nDEVNAME=sdc\n");

        Assert.Equal("sdc", names.Resolve(8, 32));
    }

    [Fact]
    public void Resolve_RealHost_NamesEveryBlockDevice()
    {
        var entries = Directory.Exists("/sys/dev/block") ? Directory.GetFileSystemEntries("/sys/dev/block") : [];
        KvmMetrics.TestSupport.Requirements.Require(entries.Length > 0, "/sys/dev/block with devices");
        var names = new BlockDeviceNames("/sys");

        foreach (var entry in entries)
        {
            var parts = Path.GetFileName(entry).Split(':');
            var name = names.Resolve(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.DoesNotContain(':', name);
        }
    }
}
