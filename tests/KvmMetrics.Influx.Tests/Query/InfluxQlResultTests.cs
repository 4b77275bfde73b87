using KvmMetrics.Influx.Query;

namespace KvmMetrics.Influx.Tests.Query;

public class InfluxQlResultTests
{
    [Fact]
    public void Parse_SeriesWithTagsColumnsAndMixedValues()
    {
        const string json = """
            {"results":[{"statement_id":0,"series":[
              {"name":"cpu","tags":{"host":"a"},"columns":["time","value","n","s","b"],"values":[[1700000000,0.5,3,"x",true],[1700000001,2,null,"y",false]]},
              {"name":"cpu","tags":{"host":"b"},"columns":["time","value"],"values":[[1700000000,1e+20]]}]},
             {"statement_id":1,"error":"database not found: x"}]}
            """;
        var result = InfluxQlResult.Parse(json);
        Assert.Equal(2, result.Statements.Count);
        var a = result.Statements[0].Series[0];
        Assert.Equal("cpu", a.Name);
        Assert.Equal("a", a.Tags["host"]);
        Assert.Equal(1, a.ColumnIndex("value"));
        Assert.Equal([1700000000L, 0.5, 3L, "x", true], a.Values[0]);
        Assert.Equal([1700000001L, 2L, null, "y", false], a.Values[1]);
        Assert.Equal(1e20, result.Statements[0].Series[1].Values[0][1]);
        Assert.Equal("database not found: x", result.Statements[1].Error);
        Assert.Equal("InfluxQL statement 1 failed: database not found: x", Assert.Throws<InfluxException>(() => result.EnsureSuccess()).Message);
    }

    [Fact]
    public void Parse_TopLevelError_Throws() =>
        Assert.Equal("InfluxQL query failed: error parsing query: found EOF",
            Assert.Throws<InfluxException>(() => InfluxQlResult.Parse("{\"error\":\"error parsing query: found EOF\"}")).Message);

    [Fact]
    public void Parse_NotJson_ThrowsNamingTheBody() =>
        Assert.StartsWith("InfluxQL answer is not valid JSON: <html>",
            Assert.Throws<InfluxException>(() => InfluxQlResult.Parse("<html>gateway</html>")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("SELECT * FROM m", true)]
    [InlineData("  show databases", true)]
    [InlineData("SELECT * INTO x FROM m", false)]
    [InlineData("CREATE DATABASE x", false)]
    [InlineData("SELECT 1; DROP DATABASE x", false)]
    public void IsReadOnly_ChoosesGetOnlyForPlainReads(string query, bool expected) =>
        Assert.Equal(expected, InfluxQueryClient.IsReadOnly(query));
}
