using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.Sources.Influx;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

public sealed class InfluxDerivationTests
{
    private static TaggedSeries S(string host, string domain, string device, long[] times, double[] values) =>
        new(new Dictionary<string, string> { ["host"] = host, ["domain"] = domain, ["device"] = device, ["uuid"] = "u" }, times, values);

    [Fact]
    public void Counters_RatePerSeries_ThenSumPerDomain()
    {
        // vda reads 10 B/s, vdb 5 B/s: 300 s windows.
        var vda = S("h", "vm", "vda", [0, 300, 600], [1000, 4000, 7000]);
        var vdb = S("h", "vm", "vdb", [0, 300, 600], [0, 1500, 3000]);
        var perVm = InfluxDerivation.PerVm(isCounter: true, [vda, vdb], maxGapSeconds: 600);
        var points = Assert.Single(perVm).Value;
        Assert.Equal([300L, 600], points.Keys);
        Assert.Equal([15.0, 15.0], points.Values);
    }

    [Fact]
    public void Counters_ResetCountsTheNewValue_AndALongGapStaysAGap()
    {
        // Reset between 300 and 600 (guest reboot): rate = 30/300, never negative. Gap 900 -> 2400 is longer than 600 s: no point at 2400.
        var s = S("h", "vm", "", [0, 300, 600, 900, 2400, 2700], [0, 300, 30, 330, 1830, 2130]);
        var points = InfluxDerivation.PerVm(isCounter: true, [s], maxGapSeconds: 600)[("h", "vm")];
        Assert.Equal([300L, 600, 900, 2700], points.Keys);
        Assert.Equal([1.0, 0.1, 1.0, 1.0], points.Values);
    }

    [Fact]
    public void Gauges_MaxPerDomain_SeriesWithoutHostOrDomainAreIgnored()
    {
        var a = S("h", "vm", "", [0, 300], [5, 7]);
        var b = S("h", "vm", "", [0], [9]);
        var noHost = new TaggedSeries(new Dictionary<string, string> { ["domain"] = "vm" }, [0], [100]);
        var perVm = InfluxDerivation.PerVm(isCounter: false, [a, b, noHost], 600);
        Assert.Equal([9.0, 7.0], Assert.Single(perVm).Value.Values);
    }

    [Fact]
    public void PlusWherePresent_AddsWhereBothHaveAPoint_KeepsTheValueElsewhere_IgnoresAddedOnlyPoints()
    {
        // Like PromQL used + (wait or used * 0): "a" has wait at 300 and 600 only, "b" has none, "c" has wait but no usage.
        var used = new Dictionary<(string Host, string Domain), SortedList<long, double>>
        {
            [("h", "a")] = new() { [300] = 1.0, [600] = 2.0, [900] = 3.0 },
            [("h", "b")] = new() { [300] = 0.5 },
        };
        var wait = new Dictionary<(string Host, string Domain), SortedList<long, double>>
        {
            [("h", "a")] = new() { [0] = 9.0, [300] = 0.25, [600] = 0.5 },
            [("h", "c")] = new() { [300] = 0.75 },
        };

        var demand = InfluxDerivation.PlusWherePresent(used, wait);

        Assert.Equal([("h", "a"), ("h", "b")], demand.Keys.Order());
        Assert.Equal([300L, 600, 900], demand[("h", "a")].Keys);
        Assert.Equal([1.25, 2.5, 3.0], demand[("h", "a")].Values);
        Assert.Equal([0.5], demand[("h", "b")].Values);
    }

    [Fact]
    public void LastBy_HostOrHostAndDomain_TakesTheHighestLastValue()
    {
        var hostA = new TaggedSeries(new Dictionary<string, string> { ["host"] = "a" }, [0, 60], [8, 16]);
        var hostA2 = new TaggedSeries(new Dictionary<string, string> { ["host"] = "a", ["uuid"] = "x" }, [0], [12]);
        Assert.Equal(16, InfluxDerivation.LastBy([hostA, hostA2], perDomain: false)["a"]);
        var vm = S("a", "vm 1", "", [0], [4]);
        Assert.Equal(4, InfluxDerivation.LastBy([vm, hostA], perDomain: true)[ClusterAssembler.Key("a", "vm 1")]);
        Assert.Single(InfluxDerivation.LastBy([vm, hostA], perDomain: true));
    }
}
