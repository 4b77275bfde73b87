using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Tests.Data;

public sealed class HistoryCsvTests
{
    private static IReadOnlyList<RawSeries> Read(string body) =>
        HistoryCsv.Read(new StringReader("timestamp,entity,metric,value\n" + body), "h.csv");

    [Fact]
    public void Read_QuotedEntityWithCommaQuoteAndLineBreak_IsOneField()
    {
        var series = Read("100,\"web,01 \"\"blue\"\"\nrack 2\",cpu_cores,1.5\n200,plain,cpu_cores,2\n");

        Assert.Equal(["plain", "web,01 \"blue\"\nrack 2"], series.Select(s => s.Entity).Order(StringComparer.Ordinal));
        Assert.Equal([1.5], series.Single(s => s.Entity.StartsWith("web", StringComparison.Ordinal)).Values);
    }

    [Fact]
    public void Write_NameWithComma_IsQuotedAndReadBack()
    {
        using var writer = new StringWriter();
        HistoryCsv.Write(writer, [new RawSeries("db,\"primary\"", "cpu_cores", [100, 200], [1, 2])]);

        Assert.Contains("100,\"db,\"\"primary\"\"\",cpu_cores,1\n", writer.ToString(), StringComparison.Ordinal);
        Assert.Equal("db,\"primary\"", HistoryCsv.Read(new StringReader(writer.ToString()), "w.csv").Single().Entity);
    }

    [Theory]
    [InlineData("100,\"open,cpu_cores,1\n", "h.csv:2: a quoted field is not closed")]
    [InlineData("100,\"vm\"x,cpu_cores,1\n", "h.csv:2: text after a closing quote")]
    [InlineData("100,v\"m,cpu_cores,1\n", "h.csv:2: a quote inside an unquoted field")]
    [InlineData("100,\"a,b\",cpu_cores\n", "h.csv:2: expected 4 comma-separated fields, got 3")]
    [InlineData("100,ok,cpu_cores,1\n200,\"x\ny\",cpu_cores,1,9\n", "h.csv:3: expected 4 comma-separated fields, got 5")]
    public void Read_MalformedQuoting_IsRefusedWithTheLine(string body, string expected)
    {
        var e = Assert.Throws<UsageException>(() => Read(body));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}
