using KvmMetrics.Libvirt.Xml;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Libvirt.Tests.Xml;

public sealed class DomainXmlParserTests
{
    private static DomainDescription ParseFixture(string name) => DomainXmlParser.Parse(File.ReadAllText(RepoPaths.TestData("xml", name)));

    [Fact]
    public void Parse_PlainLibvirtGuest_ReadsIdentitySizingAndDevices()
    {
        var d = ParseFixture("plain-debian.xml");

        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", d.Uuid);
        Assert.Equal("web01", d.Name);
        Assert.Equal("Public web server", d.Title);
        Assert.Equal("nginx, managed by ansible", d.Description);
        Assert.Equal("kvm", d.DomainType);
        Assert.Equal("hvm", d.OsType);
        Assert.Equal("pc-q35-7.2", d.Machine);
        Assert.Equal(2, d.VcpusCurrent);
        Assert.Equal(4, d.VcpusMax);
        Assert.Equal(2L << 30, d.MemoryBytes);
        Assert.Equal(4L << 30, d.MaxMemoryBytes);
        Assert.Equal(1, d.IoThreads);
        Assert.Null(d.Nova);
        Assert.Equal(
            [
                new DomainDisk("vda", "disk", "virtio", "file", "/var/lib/libvirt/images/web01.qcow2"),
                new DomainDisk("vdb", "disk", "virtio", "block", "/dev/vg0/web01-data"),
                new DomainDisk("sda", "cdrom", "sata", "file", null),
            ],
            d.Disks);
        Assert.Equal([false, false, true], d.Disks.Select(x => x.IsRemovable));
        Assert.Equal(
            [
                new DomainInterface("vnet3", "52:54:00:ab:cd:ef", "virtio", "bridge", "br0", null),
                new DomainInterface("vnet4", "52:54:00:12:34:56", "e1000e", "network", "virbr0", "default"),
            ],
            d.Interfaces);
    }

    [Fact]
    public void Parse_NovaGuest_ReadsNovaMetadata()
    {
        var d = ParseFixture("nova-instance.xml");

        Assert.Equal("instance-0000a1b2", d.Name);
        Assert.Equal(4, d.VcpusMax);
        Assert.Equal(4, d.VcpusCurrent);
        Assert.Equal(8L << 30, d.MemoryBytes); // <memory> without unit is KiB; no <currentMemory> means the same
        Assert.Equal(
            new NovaInstance("db-primary-01", "m1.large", 4, 8192, 80, "svc-db", "2b7f3c1e9d0a4e6f8a1b2c3d4e5f6a7b", "payments", "f1e2d3c4b5a69788a1b2c3d4e5f60718", "image", "0b7c1f2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e", "27.1.0", "2026-10-02 08:14:55"),
            d.Nova);
        Assert.Equal("vms/8d0a6c4e-5c1f-4f7a-9a55-0b6a1c9f3e21_disk", d.Disks[0].Source);
        Assert.Equal("network", d.Disks[0].SourceType);
        Assert.True(d.Disks[2].IsRemovable);
        Assert.Equal("tap6f1e0d2c-3b", Assert.Single(d.Interfaces).TargetDev);
    }

    [Fact]
    public void Parse_HostileContent_KeepsItVerbatimAndIgnoresBadNumbers()
    {
        var d = ParseFixture("hostile.xml");

        Assert.Equal("evil \"name\" \\ with <markup> & ünïcödé 🦀", d.Name);
        Assert.Equal("line one\nline two", d.Title);
        Assert.Equal(2L << 30, d.MaxMemoryBytes);
        Assert.Equal(1L << 30, d.MemoryBytes);
        Assert.Equal("\"'<script>", d.Nova?.Name);
        Assert.Equal("x\"y", d.Nova?.FlavorName);
        Assert.Null(d.Nova?.FlavorVcpus);
        Assert.Null(d.Nova?.FlavorMemoryMiB);
        Assert.Null(d.Nova?.ProjectName);
        Assert.Equal(new DomainDisk(string.Empty, "disk", null, "file", "/tmp/a b/\"c\".img"), Assert.Single(d.Disks));
        Assert.Equal(new DomainInterface(null, null, null, "user", null, null), Assert.Single(d.Interfaces));
    }

    [Fact]
    public void Parse_DtdEntityBomb_IsRejected()
    {
        var e = Assert.Throws<DomainXmlException>(() => ParseFixture("dtd-bomb.xml"));

        Assert.Contains("DTD", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "not well formed")]
    [InlineData("<domain><name>x</name>", "not well formed")]
    [InlineData("<network><name>x</name><uuid>1</uuid></network>", "expected <domain>")]
    [InlineData("<domain><name>x</name></domain>", "lacks <uuid>")]
    public void Parse_InvalidDocument_ThrowsWithReason(string xml, string reason)
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainXmlParser.Parse(xml));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VeryLongText_IsTruncated()
    {
        var xml = $"<domain><name>n</name><uuid>00000000-0000-4000-8000-000000000003</uuid><description>{new string('d', 100_000)}</description></domain>";

        Assert.Equal(DomainXmlParser.MaxTextLength, DomainXmlParser.Parse(xml).Description!.Length);
    }

    [Theory]
    [InlineData("1024", null, 1L << 20)]
    [InlineData("1", "KiB", 1024L)]
    [InlineData("1", "k", 1024L)]
    [InlineData("1", "KB", 1000L)]
    [InlineData("3", "MiB", 3L << 20)]
    [InlineData("3", "MB", 3_000_000L)]
    [InlineData("2", "G", 2L << 30)]
    [InlineData("1", "TiB", 1L << 40)]
    [InlineData("512", "b", 512L)]
    [InlineData("512", "bytes", 512L)]
    [InlineData("9999999", "EiB", null)]
    [InlineData("-1", "KiB", null)]
    [InlineData("1", "furlongs", null)]
    public void Bytes_LibvirtMemoryUnits_ConvertToBytes(string value, string? unit, long? expected)
    {
        var element = new System.Xml.Linq.XElement("memory", value);
        if (unit is not null)
        {
            element.SetAttributeValue("unit", unit);
        }

        Assert.Equal(expected, DomainXmlParser.Bytes(element));
    }
}
