namespace KvmMetrics.Exposition.Tests;

public class OpenMetricsWriterTests
{
    private static readonly MetricDescriptor Cpu = new("kvm_domain_cpu_seconds_total", MetricType.Counter, "CPU time from cpu.time.", "domain");
    private static readonly MetricDescriptor Up = new("kvm_up", MetricType.Gauge, "Whether libvirt answered.");
    private static readonly MetricDescriptor Info = new("kvm_domain_info", MetricType.Info, "Domain facts.", "domain", "os");
    private static readonly MetricDescriptor Raw = new("kvm_raw", MetricType.Untyped, "Raw value.");

    [Fact]
    public void Write_SmallSet_ProducesExactOpenMetrics()
    {
        var builder = new MetricSetBuilder();
        builder.Add(Up, 1);
        builder.Add(Cpu, 12.5, "vm-b");
        builder.Add(Info, 1, "vm-a", "hvm");
        builder.Add(Raw, double.NaN);

        var text = OpenMetricsWriter.WriteToString(builder.Build());

        Assert.Equal(
            "# TYPE kvm_domain info\n" +
            "# HELP kvm_domain Domain facts.\n" +
            "kvm_domain_info{domain=\"vm-a\",os=\"hvm\"} 1\n" +
            "# TYPE kvm_domain_cpu_seconds counter\n" +
            "# HELP kvm_domain_cpu_seconds CPU time from cpu.time.\n" +
            "kvm_domain_cpu_seconds_total{domain=\"vm-b\"} 12.5\n" +
            "# TYPE kvm_raw unknown\n" +
            "# HELP kvm_raw Raw value.\n" +
            "kvm_raw NaN\n" +
            "# TYPE kvm_up gauge\n" +
            "# HELP kvm_up Whether libvirt answered.\n" +
            "kvm_up 1\n" +
            "# EOF\n",
            text);
    }

    [Fact]
    public void Write_HelpEscapesBackslashQuoteAndNewline()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "a \"q\" back\\slash\nnext");
        var builder = new MetricSetBuilder();
        builder.Add(d, 0);

        Assert.Equal("# TYPE m gauge\n# HELP m a \\\"q\\\" back\\\\slash\\nnext\nm 0\n# EOF\n", OpenMetricsWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_LabelValueEscapesBackslashQuoteAndNewline()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "", "l");
        var builder = new MetricSetBuilder();
        builder.Add(d, double.NegativeInfinity, "a\\b\"c\nd");

        Assert.Equal("# TYPE m gauge\nm{l=\"a\\\\b\\\"c\\nd\"} -Inf\n# EOF\n", OpenMetricsWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_FamiliesAreSortedByFamilyName()
    {
        // Sample-name order ("a_b" < "a_total") differs from family-name order ("a" < "a_b").
        var builder = new MetricSetBuilder();
        builder.Add(new MetricDescriptor("a_b", MetricType.Gauge, ""), 2);
        builder.Add(new MetricDescriptor("a_total", MetricType.Counter, ""), 1);

        Assert.Equal("# TYPE a counter\na_total 1\n# TYPE a_b gauge\na_b 2\n# EOF\n", OpenMetricsWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_FamilyNameCollision_KeepsOnlyOneFamily()
    {
        var builder = new MetricSetBuilder();
        builder.Add(new MetricDescriptor("x_total", MetricType.Counter, ""), 1);
        builder.Add(new MetricDescriptor("x", MetricType.Gauge, ""), 2);
        builder.Add(new MetricDescriptor("x_info", MetricType.Info, ""), 1);

        var text = OpenMetricsWriter.WriteToString(builder.Build());

        Assert.Single(text.Split('\n'), l => l.StartsWith("# TYPE x ", StringComparison.Ordinal));
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        Assert.Equal(4, text.Split('\n').Length); // TYPE, sample, EOF, trailing empty
    }

    [Fact]
    public void Write_CounterWithNaNOrNegative_IsWrittenAsUnknownUnderSampleName()
    {
        var d = new MetricDescriptor("c_total", MetricType.Counter, "h", "l");
        var builder = new MetricSetBuilder();
        builder.Add(d, 1, "a");
        builder.Add(d, double.NaN, "b");
        builder.Add(d, -2, "c");

        Assert.Equal(
            "# TYPE c_total unknown\n# HELP c_total h\nc_total{l=\"a\"} 1\nc_total{l=\"b\"} NaN\nc_total{l=\"c\"} -2\n# EOF\n",
            OpenMetricsWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_CounterWithPositiveInfinity_StaysCounter()
    {
        var builder = new MetricSetBuilder();
        builder.Add(new MetricDescriptor("c_total", MetricType.Counter, ""), double.PositiveInfinity);

        Assert.Equal("# TYPE c counter\nc_total +Inf\n# EOF\n", OpenMetricsWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_InfoValueIsAlwaysOne()
    {
        var builder = new MetricSetBuilder();
        builder.Add(Info, 5, "vm", "hvm");

        Assert.Contains("kvm_domain_info{domain=\"vm\",os=\"hvm\"} 1\n", OpenMetricsWriter.WriteToString(builder.Build()), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EmptySet_WritesOnlyEof()
    {
        Assert.Equal("# EOF\n", OpenMetricsWriter.WriteToString(MetricSet.Empty));
    }

    [Fact]
    public void ContentType_IsOpenMetrics100()
    {
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", OpenMetricsWriter.ContentType);
    }
}
