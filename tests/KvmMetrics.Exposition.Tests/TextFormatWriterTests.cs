using System.Text;

namespace KvmMetrics.Exposition.Tests;

public class TextFormatWriterTests
{
    private static readonly MetricDescriptor Cpu = new("kvm_domain_cpu_seconds_total", MetricType.Counter, "CPU time from cpu.time.", "domain", "uuid");
    private static readonly MetricDescriptor Up = new("kvm_up", MetricType.Gauge, "Whether libvirt answered.");
    private static readonly MetricDescriptor Info = new("kvm_domain_info", MetricType.Info, "Domain facts.", "domain", "os");
    private static readonly MetricDescriptor Raw = new("kvm_raw", MetricType.Untyped, "Raw value.", "k");

    [Fact]
    public void Write_SmallSet_ProducesExactText()
    {
        var builder = new MetricSetBuilder();
        builder.Add(Up, 1);
        builder.Add(Cpu, 12.5, "vm-b", "u2");
        builder.Add(Cpu, 3, "vm-a", "u1");
        builder.Add(Info, 1, "vm-a", "hvm");
        builder.Add(Raw, -2.25, "x");

        var text = TextFormatWriter.WriteToString(builder.Build());

        Assert.Equal(
            "# HELP kvm_domain_cpu_seconds_total CPU time from cpu.time.\n" +
            "# TYPE kvm_domain_cpu_seconds_total counter\n" +
            "kvm_domain_cpu_seconds_total{domain=\"vm-b\",uuid=\"u2\"} 12.5\n" +
            "kvm_domain_cpu_seconds_total{domain=\"vm-a\",uuid=\"u1\"} 3\n" +
            "# HELP kvm_domain_info Domain facts.\n" +
            "# TYPE kvm_domain_info gauge\n" +
            "kvm_domain_info{domain=\"vm-a\",os=\"hvm\"} 1\n" +
            "# HELP kvm_raw Raw value.\n" +
            "# TYPE kvm_raw untyped\n" +
            "kvm_raw{k=\"x\"} -2.25\n" +
            "# HELP kvm_up Whether libvirt answered.\n" +
            "# TYPE kvm_up gauge\n" +
            "kvm_up 1\n",
            text);
    }

    [Fact]
    public void Write_HelpEscapesBackslashAndNewlineButNotQuote()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "a \"q\" back\\slash\nnext");
        var builder = new MetricSetBuilder();
        builder.Add(d, 0);

        Assert.Equal("# HELP m a \"q\" back\\\\slash\\nnext\n# TYPE m gauge\nm 0\n", TextFormatWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_LabelValueEscapesBackslashQuoteAndNewline()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "h", "l");
        var builder = new MetricSetBuilder();
        builder.Add(d, 0, "a\\b\"c\nd\re\tf");

        Assert.Equal("# HELP m h\n# TYPE m gauge\nm{l=\"a\\\\b\\\"c\\nd\re\tf\"} 0\n", TextFormatWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_EmptyHelp_OmitsHelpLine()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "");
        var builder = new MetricSetBuilder();
        builder.Add(d, 7);

        Assert.Equal("# TYPE m gauge\nm 7\n", TextFormatWriter.WriteToString(builder.Build()));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-17.0, "-17")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3.0, "0.3333333333333333")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(123456789012345678.0, "123456789012345680")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(1e20, "1E+20")]
    [InlineData(-1.5e300, "-1.5E+300")]
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    public void Write_Value_IsSpelledExactly(double value, string expected)
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "");
        var builder = new MetricSetBuilder();
        builder.Add(d, value);

        Assert.Equal("# TYPE m gauge\nm " + expected + "\n", TextFormatWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_LoneSurrogates_BecomeReplacementCharacterInValidUtf8()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "help \uD800 end", "l");
        var builder = new MetricSetBuilder();
        builder.Add(d, 1, "a\uDC00b\uD83D\uDE00c\uD83D");

        using var stream = new MemoryStream();
        TextFormatWriter.Write(builder.Build(), stream);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var text = strict.GetString(stream.ToArray());

        Assert.Equal("# HELP m help \uFFFD end\n# TYPE m gauge\nm{l=\"a\uFFFDb\uD83D\uDE00c\uFFFD\"} 1\n", text);
    }

    [Fact]
    public void Write_ValuesThatDifferOnlyInInvalidSurrogates_AreOneSeries()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "", "l");
        var builder = new MetricSetBuilder();
        builder.Add(d, 1, "\uD800");
        builder.Add(d, 2, "\uDBFF");
        builder.Add(d, 3, "\uFFFD");
        Assert.Equal(2, builder.Dropped); // known before the page is built
        var set = builder.Build();

        Assert.Equal("# TYPE m gauge\nm{l=\"\uFFFD\"} 1\n", TextFormatWriter.WriteToString(set));
        Assert.Equal(2, set.DuplicatesDropped);
    }

    [Fact]
    public void Write_DuplicateSeries_WrittenOnce()
    {
        var d = new MetricDescriptor("m", MetricType.Gauge, "", "a", "b");
        var builder = new MetricSetBuilder();
        builder.Add(d, 1, "x", "y");
        builder.Add(d, 2, "x", "y");
        builder.Add(d, 3, "1:x", "");
        builder.Add(d, 4, "", "1:x");

        Assert.Equal(
            "# TYPE m gauge\nm{a=\"x\",b=\"y\"} 1\nm{a=\"1:x\",b=\"\"} 3\nm{a=\"\",b=\"1:x\"} 4\n",
            TextFormatWriter.WriteToString(builder.Build()));
    }

    [Fact]
    public void Write_ManyFamiliesAddedInRandomOrder_AreSortedAndContiguous()
    {
        var names = Enumerable.Range(0, 50).Select(i => $"m_{(i * 37) % 50:D2}").ToArray();
        var builder = new MetricSetBuilder();
        foreach (var round in new[] { "r1", "r2" })
        {
            foreach (var name in names)
            {
                builder.Add(new MetricDescriptor(name, MetricType.Gauge, "", "r"), 1, round);
            }
        }

        var typeLines = TextFormatWriter.WriteToString(builder.Build()).Split('\n').Where(l => l.StartsWith("# TYPE", StringComparison.Ordinal)).ToArray();

        Assert.Equal(names.Order(StringComparer.Ordinal).Select(n => $"# TYPE {n} gauge"), typeLines);
    }

    [Fact]
    public void Write_EmptySet_WritesNothing()
    {
        Assert.Equal(string.Empty, TextFormatWriter.WriteToString(MetricSet.Empty));
    }

    [Fact]
    public void Write_LargeHelpAndLabels_SpanBufferBoundaries()
    {
        var help = string.Concat(Enumerable.Repeat("é\\\uD83D\uDE00", 30_000));
        var value = string.Concat(Enumerable.Repeat("\"€", 40_000));
        var d = new MetricDescriptor("m", MetricType.Gauge, help, "l");
        var builder = new MetricSetBuilder();
        builder.Add(d, 1, value);

        var text = TextFormatWriter.WriteToString(builder.Build());

        var expected = "# HELP m " + help.Replace("\\", "\\\\", StringComparison.Ordinal) + "\n# TYPE m gauge\nm{l=\"" +
            value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"} 1\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public void ContentType_IsTextVersion004()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", TextFormatWriter.ContentType);
    }
}
