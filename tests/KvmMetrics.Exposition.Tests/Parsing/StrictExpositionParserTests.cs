using System.Text;

namespace KvmMetrics.Exposition.Tests.Parsing;

/// <summary>The test parser itself must reject what the specs reject, or the property tests prove nothing.</summary>
public class StrictExpositionParserTests
{
    [Theory]
    [InlineData("m 1", "newline")]
    [InlineData("m 1\n", "without a preceding TYPE")]
    [InlineData("# TYPE m gauge\nm{a=\"b\\q\"} 1\n", "invalid escape")]
    [InlineData("# TYPE m gauge\nm{a=\"b\"c\"} 1\n", "expected ','")]
    [InlineData("# HELP m a\\\"b\n# TYPE m gauge\nm 1\n", "invalid escape")]
    [InlineData("# TYPE m gauge\nm 1\nm 2\n", "duplicate series")]
    [InlineData("# TYPE m gauge\nm{a=\"1\",a=\"2\"} 1\n", "repeated")]
    [InlineData("# TYPE m gauge\nm 1,5\n", "not a valid sample value")]
    [InlineData("# TYPE m gauge\nm inf\n", "not a valid sample value")]
    [InlineData("# TYPE b gauge\nb 1\n# TYPE a gauge\na 1\n", "out of order")]
    [InlineData("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n", "not contiguous")]
    [InlineData("# TYPE m gauge\nm 1\n\n", "empty line")]
    [InlineData("# TYPE m gauge\nn 1\n", "inside family")]
    [InlineData("# TYPE m gauge\nm 1\n# HELP m late\n", "after its samples")]
    public void ParseText_Invalid_Throws(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => StrictExpositionParser.ParseText(Encoding.UTF8.GetBytes(text)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("# TYPE m gauge\nm 1\n", "# EOF")]
    [InlineData("# TYPE m gauge\nm 1\n# EOF\nm 2\n", "after '# EOF'")]
    [InlineData("# TYPE m counter\nm 1\n# EOF\n", "inside family")]
    [InlineData("# TYPE m info\nm_info 2\n# EOF\n", "must be 1")]
    [InlineData("# TYPE m gauge\n# HELP m a\"b\nm 1\n# EOF\n", "unescaped")]
    [InlineData("# TYPE m untyped\nm 1\n# EOF\n", "unknown type")]
    [InlineData("# TYPE m counter\nm_total NaN\n# EOF\n", "non-negative")]
    [InlineData("# TYPE m counter\nm_total -1\n# EOF\n", "non-negative")]
    public void ParseOpenMetrics_Invalid_Throws(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => StrictExpositionParser.ParseOpenMetrics(Encoding.UTF8.GetBytes(text)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_InvalidUtf8_Throws()
    {
        var bytes = Encoding.UTF8.GetBytes("# TYPE m gauge\nm{a=\"x\"} 1\n");
        bytes[bytes.Length - 7] = 0xFF;

        var e = Assert.Throws<FormatException>(() => StrictExpositionParser.ParseText(bytes));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseOpenMetrics_Valid_ReturnsUnescapedContent()
    {
        var families = StrictExpositionParser.ParseOpenMetrics(Encoding.UTF8.GetBytes(
            "# TYPE c counter\n# HELP c say \\\"hi\\\"\\n\nc_total{l=\"a\\\\b\"} +Inf\n# EOF\n"));

        var f = Assert.Single(families);
        Assert.Equal(("c", "counter", "say \"hi\"\n"), (f.Name, f.Type, f.Help));
        var s = Assert.Single(f.Samples);
        Assert.Equal("a\\b", s.Labels[0].Value);
        Assert.Equal(double.PositiveInfinity, s.Value);
    }
}
