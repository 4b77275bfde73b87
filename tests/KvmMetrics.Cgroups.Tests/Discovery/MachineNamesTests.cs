using KvmMetrics.Cgroups.Discovery;

namespace KvmMetrics.Cgroups.Tests.Discovery;

public class MachineNamesTests
{
    [Theory]
    [InlineData(1, "web.prod-01", "qemu-1-web.prod-01")]
    [InlineData(7, "db_primary #2", "qemu-7-dbprimary2")]
    [InlineData(3, "..leading.dots", "qemu-3-leading.dots")]
    [InlineData(3, "a..b--c.-d", "qemu-3-a.b-c.d")]
    [InlineData(3, "trailing-.", "qemu-3-trailing")]
    [InlineData(3, "_-b", "qemu-3-b")]
    [InlineData(4, "Ünïcödé", "qemu-4-ncd")]
    [InlineData(5, "kmt-0a1b2c3d-spin", "qemu-5-kmt-0a1b2c3d-spin")]
    public void MachineName_FollowsLibvirtRules(int id, string name, string expected) =>
        Assert.Equal(expected, MachineNames.MachineName(id, name));

    [Fact]
    public void MachineName_LongName_TruncatedTo64IncludingPrefix()
    {
        var name = MachineNames.MachineName(6, "ci-worker-with-a-really-long-descriptive-name-that-libvirt-truncates-0042");

        Assert.Equal("qemu-6-ci-worker-with-a-really-long-descriptive-name-that-libvir", name);
        Assert.Equal(64, name.Length);
    }

    [Fact]
    public void MachineName_TruncationEndingInDash_TrimsIt()
    {
        // 7 characters of prefix + 57 of name = 64; the 57th is '-', which is trimmed.
        var name = MachineNames.MachineName(6, new string('a', 56) + "-bbbb");

        Assert.Equal("qemu-6-" + new string('a', 56), name);
    }

    [Fact]
    public void LegacyMachineName_DroppedCharacterReenablesSeparator()
    {
        Assert.Equal("qemu-3--b", MachineNames.LegacyMachineName(3, "_-b"));
        Assert.Equal("qemu-3-b", MachineNames.MachineName(3, "_-b"));
    }

    [Theory]
    [InlineData("qemu-1-web.prod-01", @"machine-qemu\x2d1\x2dweb.prod\x2d01.scope")]
    [InlineData("qemu-7-dbprimary2", @"machine-qemu\x2d7\x2ddbprimary2.scope")]
    public void SystemdScope_EscapesDashes(string machine, string expected) =>
        Assert.Equal(expected, MachineNames.SystemdScope(machine));

    [Theory]
    [InlineData(".hidden", @"\x2ehidden")]
    [InlineData("a/b", "a-b")]
    [InlineData(@"a\b", @"a\x5cb")]
    [InlineData("a b", @"a\x20b")]
    [InlineData("é", @"\xc3\xa9")]
    [InlineData("x:y_z.w", "x:y_z.w")]
    public void SystemdEscape_MatchesSystemdUnitEscaping(string input, string expected) =>
        Assert.Equal(expected, MachineNames.SystemdEscape(input));

    [Fact]
    public void ScopeDirectoryCandidates_ContainBothLayoutsWithoutDuplicates()
    {
        var candidates = MachineNames.ScopeDirectoryCandidates(8, "kmt-spin");

        Assert.Equal([@"machine-qemu\x2d8\x2dkmt\x2dspin.scope", "qemu-8-kmt-spin.libvirt-qemu"], candidates);
    }
}
