using KvmMetrics.Influx.Query;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Influx.Tests.Query;

public class FluxCsvParserTests
{
    [Fact]
    public void Parse_TwoSchemasThreeTables_SplitsByTableAndResult()
    {
        var tables = FluxCsvParser.Parse(File.ReadAllText(RepoPaths.TestData("flux", "two_results.csv")));
        Assert.Equal([("_result", 0L), ("_result", 1L), ("forecast", 2L)], tables.Select(t => (t.Result, t.TableId)));
        Assert.Equal([2, 2, 2], tables.Select(t => t.Records.Count));
    }

    [Fact]
    public void Parse_Annotations_GiveColumnTypesGroupKeyAndDefaults()
    {
        var table = FluxCsvParser.Parse(File.ReadAllText(RepoPaths.TestData("flux", "two_results.csv")))[0];
        Assert.Equal(["_start", "_stop", "_time", "_value", "_field", "_measurement", "domain", "uuid"], table.Columns.Select(c => c.Name));
        Assert.Equal("dateTime:RFC3339Nano", table.Columns[2].DataType);
        Assert.Equal(["_start", "_stop", "_field", "_measurement", "domain", "uuid"], table.Columns.Where(c => c.IsGroupKey).Select(c => c.Name));
        Assert.Equal("web-1", table.GroupKey["domain"]);
    }

    [Fact]
    public void Parse_Values_AreConvertedByDatatype()
    {
        var tables = FluxCsvParser.Parse(File.ReadAllText(RepoPaths.TestData("flux", "two_results.csv")));
        var first = tables[0].Records[0];
        Assert.Equal(0.25, first.Value);
        Assert.Equal("value", first.Field);
        Assert.Equal("kvm_domain_cpu_usage_ratio", first.Measurement);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 5, 0, TimeSpan.Zero).AddTicks(1234567), first.Time);
        Assert.Equal(double.PositiveInfinity, tables[1].Records[0].Value);
        Assert.Equal(0.0015, tables[1].Records[1].Value);
        Assert.Equal("db, primary", tables[1].Records[0]["domain"]);
        Assert.Equal(42L, tables[2].Records[0].Value);
        Assert.Equal(true, tables[2].Records[0]["ok"]);
        Assert.Equal("line one\r\nline \"two\"", tables[2].Records[0]["note"]);
        Assert.Null(tables[2].Records[1]["note"]);
    }

    [Fact]
    public void Parse_ErrorTable_ThrowsWithFluxMessage()
    {
        var e = Assert.Throws<InfluxException>(() => FluxCsvParser.Parse(File.ReadAllText(RepoPaths.TestData("flux", "error.csv"))));
        Assert.Equal("Flux query failed: failed to execute query: bucket \"nope\" not found (reference 897)", e.Message);
    }

    [Fact]
    public void Parse_BadNumber_NamesRowAndColumn()
    {
        const string csv = "#datatype,string,long,double\n#group,false,false,false\n#default,_result,,\n,result,table,_value\n,,0,abc\n";
        var e = Assert.Throws<InfluxException>(() => FluxCsvParser.Parse(csv));
        Assert.Equal("Flux CSV row 5, column '_value': 'abc' is not a valid double.", e.Message);
    }

    [Fact]
    public void Parse_RowWithWrongCellCount_IsReported()
    {
        const string csv = "#datatype,string,long,double\n#group,false,false,false\n#default,_result,,\n,result,table,_value\n,,0\n";
        Assert.Contains("has 3 cells but the header has 4", Assert.Throws<InfluxException>(() => FluxCsvParser.Parse(csv)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Empty_IsNoTables() => Assert.Empty(FluxCsvParser.Parse("\r\n"));
}
