using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

public class SingleValueParserTests
{
    [Theory]
    [InlineData("2275389440\n", 2275389440d)]
    [InlineData("0\n", 0d)]
    [InlineData("18446744073709551615\n", 18446744073709551615d)]
    public void ParseNumber_KernelValue_ReturnsIt(string content, double expected)
    {
        var result = SingleValueParser.ParseNumber(content);

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void ParseLimit_Max_IsPositiveInfinity()
    {
        var result = SingleValueParser.ParseLimit("max\n");

        Assert.True(result.IsOk);
        Assert.Equal(double.PositiveInfinity, result.Value);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("1234", "truncated")]
    [InlineData("max\n", "not an integer")]
    [InlineData("12 34\n", "not an integer")]
    [InlineData("1\n2\n", "expected one line")]
    [InlineData("-\n", "not an integer")]
    [InlineData("1e9\n", "not an integer")]
    [InlineData(" 12\n", "not an integer")]
    [InlineData("\n", "not an integer")]
    [InlineData("ÿþ\n", "not an integer")]
    public void ParseNumber_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = SingleValueParser.ParseNumber(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MAX\n")]
    [InlineData("maximum\n")]
    [InlineData("-max\n")]
    [InlineData("max")]
    public void ParseLimit_AlmostMax_IsMalformed(string content) =>
        Assert.Equal(CgroupFileStatus.Malformed, SingleValueParser.ParseLimit(content).Status);
}
