using KvmMetrics.Analyzer.Sources.Influx;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Query;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

public sealed class TaggedSeriesSetTests
{
    [Fact]
    public void InfluxQl_RowsBecomeOneSeriesPerTagSet_AcrossChunks_SkippingNulls()
    {
        var set = new TaggedSeriesSet();
        set.Add(InfluxQlResult.Parse("""
            {"results":[{"statement_id":0,"series":[
              {"name":"kvm_domain_cpu_time_seconds_total","tags":{"domain":"db, \"main\"\\x","host":"compute-1","uuid":"u-2"},"columns":["time","last"],"values":[[1700000300,20.5],[1700000000,10],[1700000600,null]]},
              {"name":"kvm_domain_cpu_time_seconds_total","tags":{"domain":"web","host":"compute-1","uuid":"u-1"},"columns":["time","last"],"values":[[1700000000,1]]}]}]}
            """));
        set.Add(InfluxQlResult.Parse("""
            {"results":[{"statement_id":0,"series":[
              {"name":"kvm_domain_cpu_time_seconds_total","tags":{"host":"compute-1","uuid":"u-2","domain":"db, \"main\"\\x"},"columns":["time","last"],"values":[[1700000900,40.5]]}]}]}
            """));

        var series = set.ToList();
        Assert.Equal(2, series.Count);
        var db = series.Single(s => s.Tag("uuid") == "u-2");
        Assert.Equal("db, \"main\"\\x", db.Tag("domain"));
        Assert.Equal([1_700_000_000L, 1_700_000_300, 1_700_000_900], db.Times);
        Assert.Equal([10.0, 20.5, 40.5], db.Values);
    }

    [Fact]
    public void Flux_RecordedAnnotatedCsv_MapsGroupKeyTagsAndWindowTimes()
    {
        var tables = FluxCsvParser.Parse(File.ReadAllText(RepoPaths.TestData("flux", "exporter_windows.csv")));
        var set = new TaggedSeriesSet();
        set.Add(tables);

        var series = set.ToList();
        Assert.Equal(3, series.Count);
        var vda = series.Single(s => s.Tag("device") == "vda");
        Assert.Equal(new Dictionary<string, string> { ["device"] = "vda", ["domain"] = "web \"1\"", ["host"] = "compute-1", ["uuid"] = "6f1c0f4e-1111-4a3b-9c7e-000000000001" }, vda.Tags);
        Assert.Equal([1_700_000_100L, 1_700_000_400, 1_700_000_700], vda.Times);
        Assert.Equal([1000.0, 301000, 601000], vda.Values);
        Assert.Null(series.Single(s => s.Tag("device") == "vdb").Tag("nope"));
    }

    [Fact]
    public void Flux_ErrorTable_Throws()
    {
        const string csv = "#datatype,string,string\n#group,true,true\n#default,,\n,error,reference\n,\"panic: runtime error\",897\n";
        Assert.Throws<InfluxException>(() => new TaggedSeriesSet().Add(FluxCsvParser.Parse(csv)));
    }

    [Fact]
    public void InfluxQl_StatementError_Throws()
    {
        var result = InfluxQlResult.Parse("{\"results\":[{\"statement_id\":0,\"error\":\"database not found: kvm\"}]}");
        var e = Assert.Throws<InfluxException>(() => new TaggedSeriesSet().Add(result));
        Assert.Contains("database not found: kvm", e.Message, StringComparison.Ordinal);
    }
}
