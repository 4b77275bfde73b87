using KvmMetrics.Web.Pages;

namespace KvmMetrics.Web.Tests.Pages;

public class LandingPageTests
{
    [Fact]
    public void Render_EncodesEveryValue()
    {
        var html = LandingPage.Render(
            "KVM <exporter>",
            "1.0\"<script>",
            [new LandingLink("Metrics & more", "/metrics?a=1&b=\"2\"", "<b>scrape</b> me")],
            "desc <img src=x onerror=alert(1)>");

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<title>KVM &lt;exporter&gt;</title>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/metrics?a=1&amp;b=&quot;2&quot;\">Metrics &amp; more</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("JAVASCRIPT:alert(1)")]
    public void Render_ScriptHref_IsNeutralised(string href)
    {
        var html = LandingPage.Render("t", "v", [new LandingLink("x", href)]);

        Assert.Contains("<a href=\"#\">x</a>", html, StringComparison.Ordinal);
    }
}
