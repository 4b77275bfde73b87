using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

public class IoWeightParserTests
{
    [Fact]
    public void Parse_DefaultAndOverride_ReturnsBoth()
    {
        var result = IoWeightParser.Parse("default 100\n253:2 200\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(100, result.Value.Default);
        Assert.Equal((253, 2, 200d), Assert.Single(result.Value.Devices));
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("default 100", "truncated")]
    [InlineData("253:2 200\n", "no 'default' line")]
    [InlineData("default 100\ndefault 200\n", "line 2")]
    [InlineData("default\n", "line 1")]
    [InlineData("default max\n", "line 1")]
    [InlineData("default 100\nsda 5\n", "line 2")]
    public void Parse_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = IoWeightParser.Parse(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }
}
