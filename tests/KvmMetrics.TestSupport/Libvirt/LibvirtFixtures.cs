namespace KvmMetrics.TestSupport.Libvirt;

/// <summary>
/// Statistics recorded from the real libvirtd (libvirt 9.0, QEMU 7.2) by the Libvirt tests' fixture recorder, for other
/// projects' tests: load them with <c>KvmMetrics.Libvirt.DomainStatsJson.Deserialize(File.ReadAllText(path))</c>.
/// </summary>
public static class LibvirtFixtures
{
    /// <summary>The recorded fixture names: a running TCG guest with a NIC and 2 vCPUs, a running KVM guest (with the
    /// KVM-only <c>vm.*</c> and per-vCPU counters), a paused guest with a hostile name, an inactive (defined) guest.</summary>
    public static IReadOnlyList<string> Names { get; } = ["running-idle", "running-kvm", "paused-hostile-name", "inactive"];

    /// <summary>Path of the JSON (<c>DomainStatsJson</c> format) of a recorded fixture.</summary>
    public static string StatsJsonPath(string name) =>
        RepoPaths.InRepo("tests", "KvmMetrics.Libvirt.Tests", "testdata", "stats", name + ".json");

    /// <summary>Path of a domain XML fixture (<c>plain-debian.xml</c>, <c>nova-instance.xml</c>, <c>hostile.xml</c>).</summary>
    public static string DomainXmlPath(string fileName) =>
        RepoPaths.InRepo("tests", "KvmMetrics.Libvirt.Tests", "testdata", "xml", fileName);
}
