using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

public class FlatKeyedParserTests
{
    [Fact]
    public void Parse_KernelCpuStat_ReturnsEveryKey()
    {
        var result = FlatKeyedParser.Parse("usage_usec 3163695\nuser_usec 2592596\nsystem_usec 571099\nnice_usec 0\ncore_sched.force_idle_usec 0\n");

        // core_sched.force_idle_usec has a dot: kernels built with CONFIG_SCHED_CORE print it.
        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(3163695, result.Value["usage_usec"]);
        Assert.Equal(0, result.Value["nice_usec"]);
        Assert.Equal(0, result.Value["core_sched.force_idle_usec"]);
        Assert.Equal(5, result.Value.Count);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("usage_usec 12", "truncated")]
    [InlineData("usage_usec 1\nuser_usec", "truncated")]
    [InlineData("usage_usec\n", "line 1")]
    [InlineData("usage_usec 12 34\n", "line 1")]
    [InlineData("usage_usec  12\n", "line 1")]
    [InlineData("usage_usec 1.5\n", "line 1")]
    [InlineData("usage_usec max\n", "line 1")]
    [InlineData("usage_usec 99999999999999999999999\n", "line 1")]
    [InlineData("usage_usec 1\n\n", "line 2")]
    [InlineData("usage_usec 1\nusage_usec 2\n", "repeats key 'usage_usec'")]
    [InlineData("<html>error</html>\n", "line 1")]
    [InlineData("usage_usec\t1\n", "line 1")]
    [InlineData("usage_usec 1\r\n", "line 1")]
    [InlineData("\0\0\0\0\n", "line 1")]
    public void Parse_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = FlatKeyedParser.Parse(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NegativeValue_IsAccepted()
    {
        // A few memory.stat counters are signed in the kernel and can transiently print negative.
        var result = FlatKeyedParser.Parse("workingset_nodereclaim -1\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(-1, result.Value["workingset_nodereclaim"]);
    }
}
