using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Web.Exposition;

namespace KvmMetrics.Web.Tests.Exposition;

public class ExpositionNegotiatorTests
{
    [Theory]
    // Missing or garbage → text.
    [InlineData(null, ExpositionFormat.Text)]
    [InlineData("", ExpositionFormat.Text)]
    [InlineData("   ", ExpositionFormat.Text)]
    [InlineData("garbage", ExpositionFormat.Text)]
    [InlineData(";;;,,,q=", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=abc", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=1.5", ExpositionFormat.Text)]
    [InlineData("*/*", ExpositionFormat.Text)]
    [InlineData("application/json", ExpositionFormat.Text)]
    // Prometheus 2.42's scrape Accept header.
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", ExpositionFormat.OpenMetrics)]
    // Prometheus with OpenMetrics disabled.
    [InlineData("text/plain;version=0.0.4;q=1,*/*;q=0.1", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("Application/OpenMetrics-Text;Version=\"1.0.0\"", ExpositionFormat.OpenMetrics)]
    // Only 1.0.0 (or no version) of OpenMetrics is served.
    [InlineData("application/openmetrics-text;version=0.0.1", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;version=2.0.0", ExpositionFormat.Text)]
    // q-values decide; q=0 means "not acceptable".
    [InlineData("text/plain;q=0.5,application/openmetrics-text;q=0.9", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0.4,text/plain;q=0.5", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=0,*/*", ExpositionFormat.Text)]
    [InlineData("text/plain;q=0,application/openmetrics-text;q=0.001", ExpositionFormat.OpenMetrics)]
    // Equal q: the earlier range wins (client_golang keeps header order).
    [InlineData("application/openmetrics-text,text/plain", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain,application/openmetrics-text", ExpositionFormat.Text)]
    [InlineData("text/plain;q=0.5,application/openmetrics-text;q=0.5", ExpositionFormat.Text)]
    // A non-matching range with high q does not block a matching one.
    [InlineData("application/json,application/openmetrics-text;q=0.2", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain;version=9.9.9,application/openmetrics-text;q=0.3", ExpositionFormat.OpenMetrics)]
    public void Negotiate_ChoosesByQValue(string? accept, ExpositionFormat expected)
    {
        Assert.Equal(expected, ExpositionNegotiator.Negotiate(accept));
    }

    [Fact]
    public void Negotiate_HugeHeader_IsTextWithoutParsing()
    {
        var accept = string.Concat(Enumerable.Repeat("application/openmetrics-text,", 1000));

        Assert.Equal(ExpositionFormat.Text, ExpositionNegotiator.Negotiate(accept));
    }

    [Fact]
    public void Negotiate_ArbitraryHeaders_NeverThrowAndOnlyChooseOpenMetricsWhenAsked()
    {
        var pieces = Gen.Elements("application/openmetrics-text", "text/plain", "*/*", ";", ",", "q=", "0.5", "1", "0", "version=1.0.0", "version=", "\"", " ", "=", "/", "x");
        var header = Gen.Frequency(
                (3, pieces),
                (1, Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString())))
            .ListOf()
            .Select(p => string.Concat(p));

        Prop.ForAll(header.ToArbitrary(), h =>
        {
            var format = ExpositionNegotiator.Negotiate(h);
            _ = AcceptEncoding.AllowsGzip(h);
            return format == ExpositionFormat.Text || h.Contains("openmetrics-text", StringComparison.OrdinalIgnoreCase);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Fact]
    public void ContentType_MatchesWriters()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", ExpositionNegotiator.ContentType(ExpositionFormat.Text));
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionNegotiator.ContentType(ExpositionFormat.OpenMetrics));
    }
}
