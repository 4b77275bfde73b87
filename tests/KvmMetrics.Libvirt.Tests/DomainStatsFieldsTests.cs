namespace KvmMetrics.Libvirt.Tests;

public sealed class DomainStatsFieldsTests
{
    [Theory]
    [InlineData("block.3.rd.reqs", "block", 3, "rd.reqs")]
    [InlineData("vcpu.0.time", "vcpu", 0, "time")]
    [InlineData("net.12.rx.bytes", "net", 12, "rx.bytes")]
    [InlineData("vcpu.1.halt_wait_ns.sum", "vcpu", 1, "halt_wait_ns.sum")]
    [InlineData("memory.bandwidth.monitor.0.name", null, -1, null)]
    public void TryParseIndexed_IndexedName_SplitsPrefixIndexAndRest(string name, string? prefix, int index, string? rest)
    {
        var ok = DomainStatsFields.TryParseIndexed(name, out var p, out var i, out var r);

        Assert.Equal(prefix is not null, ok);
        if (ok)
        {
            Assert.Equal((prefix, index, rest), (p, i, r));
        }
    }

    [Theory]
    [InlineData("cpu.time")]
    [InlineData("block.count")]
    [InlineData("block.3")]
    [InlineData("block.3.")]
    [InlineData("block..rd")]
    [InlineData(".3.rd")]
    [InlineData("block.-1.rd")]
    [InlineData("block.+1.rd")]
    [InlineData("block.99999999999.rd")]
    [InlineData("block.٣.rd")]
    [InlineData("")]
    [InlineData("state")]
    public void TryParseIndexed_NotIndexed_ReturnsFalse(string name)
    {
        Assert.False(DomainStatsFields.TryParseIndexed(name, out _, out var index, out _));
        Assert.Equal(-1, index);
    }

    [Fact]
    public void Indexed_GroupsParametersByIndex()
    {
        TypedParameter P(string n, double v) => new(n, TypedParameterType.ULLong, v, null);
        var ps = new[] { P("block.count", 2), P("block.1.rd.reqs", 5), P("block.0.rd.reqs", 3), P("block.0.wr.reqs", 4), P("net.0.rx.bytes", 9) };

        var blocks = DomainStatsFields.Indexed(ps, "block");

        Assert.Equal([0, 1], blocks.Keys);
        Assert.Equal(3, blocks[0]["rd.reqs"].Number);
        Assert.Equal(4, blocks[0]["wr.reqs"].Number);
        Assert.Equal(5, blocks[1]["rd.reqs"].Number);
    }

    [Theory]
    [InlineData("block.0.rd.reqs", "block")]
    [InlineData("cpu.time", "cpu")]
    [InlineData("state", "state")]
    public void Prefix_ReturnsTheGroupName(string name, string prefix) => Assert.Equal(prefix, DomainStatsFields.Prefix(name));
}
