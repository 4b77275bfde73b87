using KvmMetrics.Analyzer.Sources.Influx;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

public sealed class InfluxQueryTextTests
{
    [Theory]
    [InlineData("kvm", "\"kvm\"")]
    [InlineData("my \"rp\"", "\"my \\\"rp\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("ends\\", "\"ends\\\\\"")]
    [InlineData("two\nlines", "\"two\\nlines\"")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("\\\"", "\"\\\\\\\"\"")]
    public void QuoteIdentifier_EscapesBackslashQuoteAndNewline(string name, string expected) =>
        Assert.Equal(expected, InfluxQueryText.QuoteIdentifier(name));

    [Theory]
    [InlineData("web 1", "'web 1'")]
    [InlineData("it's", "'it\\'s'")]
    [InlineData("a\\'b", "'a\\\\\\'b'")]
    [InlineData("x\ny", "'x\\ny'")]
    [InlineData("say \"hi\"", "'say \"hi\"'")]
    public void QuoteString_EscapesBackslashSingleQuoteAndNewline(string value, string expected) =>
        Assert.Equal(expected, InfluxQueryText.QuoteString(value));

    [Theory]
    [InlineData("kvm", "\"kvm\"")]
    [InlineData("kvm/metrics", "\"kvm/metrics\"")]
    [InlineData("q\"uote", "\"q\\\"uote\"")]
    [InlineData("b\\s", "\"b\\\\s\"")]
    [InlineData("l\nf\rc\tt", "\"l\\nf\\rc\\tt\"")]
    [InlineData("${injected}", "\"\\${injected}\"")]
    [InlineData("cost $5 {x}", "\"cost $5 {x}\"")]
    [InlineData("\") |> drop() //", "\"\\\") |> drop() //\"")]
    public void FluxString_EscapesPerSpec_AndNeverOpensInterpolation(string value, string expected) =>
        Assert.Equal(expected, InfluxQueryText.FluxString(value));

    [Fact]
    public void InfluxQlWindows_QualifiesTheRetentionPolicy_AndGroupsBySeriesAndStep()
    {
        Assert.Equal(
            "SELECT last(\"value\") FROM \"a\\\"b\\nc\".\"kvm_domain_cpu_time_seconds_total\" WHERE time >= 1700000000s AND time < 1700003600s GROUP BY time(300s), * fill(none)",
            InfluxQueryText.InfluxQlWindows("a\"b\nc", "kvm_domain_cpu_time_seconds_total", 1_700_000_000, 1_700_003_600, 300));
        Assert.Equal(
            "SELECT last(\"value\") FROM \"kvm_host_cpus\" WHERE time >= 1700000000s AND time < 1700003600s GROUP BY *",
            InfluxQueryText.InfluxQlLast(null, "kvm_host_cpus", 1_700_000_000, 1_700_003_600));
    }

    [Fact]
    public void FluxWindows_FiltersMeasurementAndField_AndStampsWindowStart()
    {
        Assert.Equal(
            "from(bucket: \"kvm \\\"prod\\\"\")\n" +
            "  |> range(start: 2023-11-14T22:13:20Z, stop: 2023-11-14T23:13:20Z)\n" +
            "  |> filter(fn: (r) => r._measurement == \"kvm_domain_cpu_time_seconds_total\" and r._field == \"value\")\n" +
            "  |> aggregateWindow(every: 300s, fn: last, createEmpty: false, timeSrc: \"_start\")",
            InfluxQueryText.FluxWindows("kvm \"prod\"", "kvm_domain_cpu_time_seconds_total", 1_700_000_000, 1_700_003_600, 300));
        Assert.EndsWith("r._field == \"value\")\n  |> last()", InfluxQueryText.FluxLast("kvm", "kvm_host_cpus", 0, 60), StringComparison.Ordinal);
    }
}
