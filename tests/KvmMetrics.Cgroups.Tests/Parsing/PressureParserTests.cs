using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

public class PressureParserTests
{
    [Fact]
    public void Parse_SomeAndFull_ReturnsTotalsInSeconds()
    {
        // Copied from a guest's cpu.pressure on this project's test machine.
        var result = PressureParser.Parse("some avg10=0.59 avg60=0.12 avg300=0.02 total=88077\nfull avg10=0.29 avg60=0.06 avg300=0.01 total=47940\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Equal(0.088077, result.Value.SomeSeconds, 12);
        Assert.Equal(0.04794, result.Value.FullSeconds!.Value, 12);
    }

    [Fact]
    public void Parse_OnlySome_HasNoFull()
    {
        // cpu.pressure before Linux 5.13 has no "full" line.
        var result = PressureParser.Parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");

        Assert.True(result.IsOk, result.Problem);
        Assert.Null(result.Value.FullSeconds);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=12", "truncated")]
    [InlineData("full avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", "no 'some' line")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00\n", "line 1")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=-4\n", "line 1")]
    [InlineData("some avg10=x avg60=0.00 avg300=0.00 total=4\n", "line 1")]
    [InlineData("some avg60=0.00 avg10=0.00 avg300=0.00 total=4\n", "line 1")]
    [InlineData("half avg10=0.00 avg60=0.00 avg300=0.00 total=4\n", "line 1")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=4\nsome avg10=0.00 avg60=0.00 avg300=0.00 total=5\n", "repeats 'some'")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=1.5\n", "line 1")]
    public void Parse_BadContent_IsMalformedWithReason(string content, string expected)
    {
        var result = PressureParser.Parse(content);

        Assert.Equal(CgroupFileStatus.Malformed, result.Status);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }
}
