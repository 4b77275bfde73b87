using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

public class IoDeviceParserTests
{
    [Fact]
    public void ParseStat_TwoDevices_ReturnsBothInOrder()
    {
        var result = IoDeviceParser.ParseStat(
            "259:0 rbytes=1453522944 wbytes=8389156864 rios=52117 wios=412877 dbytes=0 dios=0\n253:2 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(2, result.Value.Count);
        Assert.Equal("259:0", result.Value[0].DeviceNumber);
        Assert.Equal(8389156864, result.Value[0].Values["wbytes"]);
        Assert.Equal(6, result.Value[1].Values["dios"]);
    }

    [Fact]
    public void ParseStat_Empty_IsNoDevices()
    {
        // A cgroup that has not done I/O yet has an empty io.stat.
        var result = IoDeviceParser.ParseStat(string.Empty);

        Assert.True(result.IsOk);
        Assert.Empty(result.Value);
    }

    [Fact]
    public void ParseStat_IocostFields_AreAccepted()
    {
        var result = IoDeviceParser.ParseStat("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=12 cost.wait=0 cost.indebt=0 cost.indelay=0\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(100.0, result.Value[0].Values["cost.vrate"]);
    }

    [Fact]
    public void ParseMax_MaxValues_ArePositiveInfinity()
    {
        var result = IoDeviceParser.ParseMax("253:2 rbps=104857600 wbps=max riops=max wiops=2000\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(104857600, result.Value[0].Values["rbps"]);
        Assert.Equal(double.PositiveInfinity, result.Value[0].Values["wbps"]);
    }

    [Theory]
    [InlineData("8:0 rbytes=1", "truncated")]
    [InlineData("8:0\n", "line 1")]
    [InlineData("8-0 rbytes=1\n", "line 1")]
    [InlineData(":0 rbytes=1\n", "line 1")]
    [InlineData("8:x rbytes=1\n", "line 1")]
    [InlineData("8:0 rbytes\n", "line 1")]
    [InlineData("8:0 =1\n", "line 1")]
    [InlineData("8:0 rbytes=max\n", "line 1")]
    [InlineData("8:0 rbytes=1 rbytes=2\n", "line 1")]
    [InlineData("8:0 rbytes=1\n8:0 rbytes=2\n", "repeats device 8:0")]
    [InlineData("\n", "line 1")]
    public void ParseStat_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = IoDeviceParser.ParseStat(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8:16 rbps=2097152 wbps=max riops=max wiops=120", "truncated")]
    [InlineData("8:16 rbps=-1\n", "line 1")]
    [InlineData("default rbps=1\n", "line 1")]
    public void ParseMax_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = IoDeviceParser.ParseMax(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }
}
