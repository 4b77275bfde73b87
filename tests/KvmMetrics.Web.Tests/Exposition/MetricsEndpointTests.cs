using System.IO.Compression;
using System.Net;
using System.Text;
using KvmMetrics.Exposition;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Hosting;
using KvmMetrics.Web.Tests.Support;

namespace KvmMetrics.Web.Tests.Exposition;

public class MetricsEndpointTests
{
    private static readonly MetricDescriptor Up = new("kvm_up", MetricType.Gauge, "Whether libvirt answered.");
    private static readonly MetricDescriptor Cpu = new("kvm_cpu_seconds_total", MetricType.Counter, "CPU \"time\".", "domain");

    private static MetricSet SmallSet()
    {
        var builder = new MetricSetBuilder();
        builder.Add(Up, 1);
        builder.Add(Cpu, 2.5, "vm\n1");
        return builder.Build();
    }

    private static Task<TestWebHost> StartAsync(Func<CancellationToken, Task<MetricSet>> collect) =>
        TestWebHost.StartAsync(WebConfig.Default, app => app.MapKvmMetrics("/metrics", collect));

    private static HttpClient Client(TestWebHost host) =>
        new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = host.BaseAddress };

    [Fact]
    public async Task Get_NoAccept_ServesTextFormat()
    {
        await using var host = await StartAsync(_ => Task.FromResult(SmallSet()));
        using var client = Client(host);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(["Accept", "Accept-Encoding"], response.Headers.Vary);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(
            "# HELP kvm_cpu_seconds_total CPU \"time\".\n# TYPE kvm_cpu_seconds_total counter\nkvm_cpu_seconds_total{domain=\"vm\\n1\"} 2.5\n" +
            "# HELP kvm_up Whether libvirt answered.\n# TYPE kvm_up gauge\nkvm_up 1\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_PrometheusAccept_ServesOpenMetrics()
    {
        await using var host = await StartAsync(_ => Task.FromResult(SmallSet()));
        using var client = Client(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        using var response = await client.SendAsync(request);

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "# TYPE kvm_cpu_seconds counter\n# HELP kvm_cpu_seconds CPU \\\"time\\\".\nkvm_cpu_seconds_total{domain=\"vm\\n1\"} 2.5\n" +
            "# TYPE kvm_up gauge\n# HELP kvm_up Whether libvirt answered.\nkvm_up 1\n# EOF\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_AcceptEncodingGzip_CompressesAndRoundTrips()
    {
        // Big enough to span several pooled segments.
        var builder = new MetricSetBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            builder.Add(Cpu, i, "domain-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var set = builder.Build();
        await using var host = await StartAsync(_ => Task.FromResult(set));
        using var client = Client(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await client.SendAsync(request);
        var compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(compressed.Length, response.Content.Headers.ContentLength);
        using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gunzip, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Assert.Equal(TextFormatWriter.WriteToString(set), text);
        Assert.True(compressed.Length < Encoding.UTF8.GetByteCount(text) / 4, $"gzip gave {compressed.Length} bytes for {text.Length}");
    }

    [Fact]
    public async Task Get_GzipRefused_ServesIdentity()
    {
        await using var host = await StartAsync(_ => Task.FromResult(SmallSet()));
        using var client = Client(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, identity");

        using var response = await client.SendAsync(request);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.StartsWith("# HELP", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_CollectorThrows_Returns500WithTextMessage()
    {
        await using var host = await StartAsync(_ => throw new InvalidOperationException("libvirt exploded"));
        using var client = Client(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("An error has occurred while serving metrics: libvirt exploded\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_CollectorTimesOut_Returns503()
    {
        await using var host = await StartAsync(async _ =>
        {
            await Task.Yield();
            throw new TimeoutException("deadline of 10s exceeded");
        });
        using var client = Client(host);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("deadline of 10s exceeded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%%%;;;q=NaN,,/,*/*;q=-1")]
    [InlineData("application/openmetrics-text;version=1.0.0;q=0.5;q=2")]
    [InlineData("text/html, application/xhtml+xml, application/xml;q=0.9")]
    public async Task Get_GarbageAccept_ServesTextFormat(string accept)
    {
        await using var host = await StartAsync(_ => Task.FromResult(SmallSet()));
        using var client = Client(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=oops, br;;");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Head_SendsHeadersWithoutBody()
    {
        await using var host = await StartAsync(_ => Task.FromResult(SmallSet()));
        using var client = Client(host);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(TextFormatWriter.WriteToString(SmallSet())), response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
