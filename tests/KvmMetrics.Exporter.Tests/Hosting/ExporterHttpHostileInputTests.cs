using System.Net;
using KvmMetrics.Exporter.Tests.Integration;
using KvmMetrics.TestSupport.Http;
using KvmMetrics.Web.Hosting;

namespace KvmMetrics.Exporter.Tests.Hosting;

/// <summary>Hostile HTTP input against the exporter's every route: oversized headers, bad Accept, path traversal.</summary>
public sealed class ExporterHttpHostileInputTests
{
    private static readonly string[] Routes = ["/metrics", "/healthz", "/"];

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/metrics/../../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/healthz/..%2f..%2fetc%2fpasswd")]
    [InlineData("/%252e%252e/%252e%252e/etc/passwd")]
    [InlineData("/..\\..\\etc\\passwd")]
    [InlineData("/..%5c..%5cetc%5cpasswd")]
    [InlineData("//etc/passwd")]
    [InlineData("/metrics%00/../../etc/passwd")]
    [InlineData("/static/../../etc/passwd")]
    [InlineData("/./.././../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("/proc/self/environ")]
    public async Task PathTraversal_NeverServesAFile(string target)
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        var r = await RawHttp.SendAsync(exporter.App.BaseAddress, "GET", target);
        FileLeak.AssertNone(r, target);
        Assert.NotEqual(HttpStatusCode.OK, (HttpStatusCode)r.Status);
    }

    [Fact]
    public async Task RandomTraversalTargets_NeverAFileNeverA5xx()
    {
        string[] pieces = ["..", ".", "%2e", "%2e%2e", "%2f", "/", "\\", "%5c", "%00", "%252e", "etc", "passwd", "metrics", "healthz", "proc", "self", "environ", "~", "%c0%af", ";", "?", "#"];
        var random = new Random(20261122);
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        for (var i = 0; i < 1000; i++)
        {
            var target = "/" + string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            var r = await RawHttp.SendAsync(exporter.App.BaseAddress, i % 2 == 0 ? "GET" : "HEAD", target);
            FileLeak.AssertNone(r, target);
        }
    }

    [Fact]
    public async Task OversizedOrTooManyHeaders_OnEveryRoute_Get431()
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        foreach (var route in Routes)
        {
            var big = await RawHttp.SendAsync(exporter.App.BaseAddress, "GET", route, [("X-Big", new string('a', KestrelConfigurator.MaxRequestHeadersTotalSize + 1))]);
            Assert.Equal(431, big.Status);
            var many = await RawHttp.SendAsync(exporter.App.BaseAddress, "GET", route,
                Enumerable.Range(0, KestrelConfigurator.MaxRequestHeaderCount + 1).Select(i => ("X-H" + i, "v")));
            Assert.Equal(431, many.Status);
            var accept = await RawHttp.SendAsync(exporter.App.BaseAddress, "GET", route, [("Accept", string.Concat(Enumerable.Repeat("application/openmetrics-text;q=0.5,", 2000)))]);
            Assert.Equal(431, accept.Status);
        }

        // Still serving afterwards.
        Assert.Contains("kvm_libvirt_up 1", await exporter.ScrapeAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomAcceptHeaders_ServeText004UnlessOpenMetricsIsAsked_AndThePageParses()
    {
        string[] pieces = ["application/openmetrics-text", "text/plain", "*/*", "text/*", ";", ",", "q=", "0.5", "1", "0", "-1", "NaN", "version=1.0.0", "version=0.0.4",
            "version=", "charset=utf-8", "\"", " ", "=", "/", "x", "\t", "é", "\u00ff", "q=1e400"];
        var random = new Random(4242);
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        for (var i = 0; i < 400; i++)
        {
            var accept = string.Concat(Enumerable.Range(0, random.Next(0, 10)).Select(_ => pieces[random.Next(pieces.Length)]));
            var r = await RawHttp.SendAsync(exporter.App.BaseAddress, "GET", "/metrics", [("Accept", accept)]);
            if (r.Status == 400)
            {
                continue; // bytes Kestrel refuses in a header value (e.g. non-Latin-1): rejected before the route, fine
            }

            Assert.True(r.Status == 200, $"Accept '{accept}': {r.Status}");
            var openMetrics = r.Headers["Content-Type"].StartsWith("application/openmetrics-text", StringComparison.Ordinal);
            if (!openMetrics)
            {
                Assert.Equal("text/plain; version=0.0.4; charset=utf-8", r.Headers["Content-Type"]);
            }
            else
            {
                Assert.Contains("openmetrics-text", accept, StringComparison.OrdinalIgnoreCase);
                Assert.EndsWith("# EOF\n", r.Body, StringComparison.Ordinal);
            }

            Assert.Equal(1, ExpositionText.Parse(r.Body.Replace("# EOF\n", string.Empty, StringComparison.Ordinal)).Single("kvm_libvirt_up"));
        }
    }
}
