namespace KvmMetrics.Libvirt.Tests;

public sealed class DomainStatsJsonTests
{
    [Fact]
    public void SerializeDeserialize_RoundTripsEveryTypeExactly()
    {
        var record = new DomainStats("uuid-1", "n\"a\\me\n", 3,
        [
            new TypedParameter("a", TypedParameterType.Int, -1, null) { Integer = -1 },
            new TypedParameter("b", TypedParameterType.UInt, 4_000_000_000, null) { Integer = 4_000_000_000 },
            new TypedParameter("c", TypedParameterType.LLong, long.MaxValue, null) { Integer = long.MaxValue },
            new TypedParameter("d", TypedParameterType.ULLong, ulong.MaxValue, null) { Integer = -1 },
            new TypedParameter("e", TypedParameterType.Double, 0.1, null),
            new TypedParameter("f", TypedParameterType.Double, double.NaN, null),
            new TypedParameter("g", TypedParameterType.Boolean, 1, null) { Integer = 1 },
            new TypedParameter("h", TypedParameterType.String, double.NaN, "vda \uFFFD"),
        ]);

        var back = Assert.Single(DomainStatsJson.Deserialize(DomainStatsJson.Serialize([record])));

        Assert.Equal(record.Uuid, back.Uuid);
        Assert.Equal(record.Name, back.Name);
        Assert.Equal(record.Id, back.Id);
        Assert.Equal(record.Parameters, back.Parameters);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[{\"uuid\":\"u\"}]")]
    [InlineData("[{\"uuid\":\"u\",\"name\":\"n\",\"id\":1,\"params\":[{\"name\":\"x\",\"type\":\"float\",\"value\":1}]}]")]
    public void Deserialize_Malformed_ThrowsFormatException(string json) =>
        Assert.Throws<FormatException>(() => DomainStatsJson.Deserialize(json));

    [Fact]
    public void DomainStats_Helpers_FindValuesAndState()
    {
        var s = new DomainStats("u", "n", 1, [new TypedParameter("state.state", TypedParameterType.Int, 3, null), new TypedParameter("block.0.name", TypedParameterType.String, double.NaN, "vda")]);

        Assert.Equal(DomainState.Paused, s.State);
        Assert.Null(s.Number("block.0.name"));
        Assert.Null(s.Number("missing"));
        Assert.Equal("vda", s.Find("block.0.name")?.Text);
    }
}
