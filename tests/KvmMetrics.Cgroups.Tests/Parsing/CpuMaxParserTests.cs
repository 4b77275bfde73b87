using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

public class CpuMaxParserTests
{
    [Fact]
    public void Parse_QuotaAndPeriod_ConvertsMicrosecondsToSeconds()
    {
        var result = CpuMaxParser.Parse("200000 100000\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(0.2, result.Value.QuotaSeconds, 12);
        Assert.Equal(0.1, result.Value.PeriodSeconds, 12);
    }

    [Fact]
    public void Parse_Max_IsUnlimited()
    {
        var result = CpuMaxParser.Parse("max 100000\n");

        Assert.True(result.IsOk);
        Assert.Equal(double.PositiveInfinity, result.Value.QuotaSeconds);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("max 100000", "truncated")]
    [InlineData("max\n", "expected '$MAX $PERIOD'")]
    [InlineData("max max\n", "expected '$MAX $PERIOD'")]
    [InlineData("100 0\n", "expected '$MAX $PERIOD'")]
    [InlineData("100 200 300\n", "expected '$MAX $PERIOD'")]
    [InlineData("-5 100000\n", "expected '$MAX $PERIOD'")]
    [InlineData("max 100000\nmax 100000\n", "expected one line")]
    public void Parse_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = CpuMaxParser.Parse(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }
}
