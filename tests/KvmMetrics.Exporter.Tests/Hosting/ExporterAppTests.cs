using System.Net;
using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Tests.Fakes;
using KvmMetrics.Exporter.Tests.Integration;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Hosting;

/// <summary>The HTTP host with a fake libvirt: formats, endpoints, deadlines.</summary>
public sealed class ExporterAppTests
{
    internal static FakeLibvirtClient Client()
    {
        var client = new FakeLibvirtClient();
        foreach (var name in new[] { "tcg-paused.json", "kvm-all-groups.json" })
        {
            var stats = StatsFixture.Load(name);
            client.Domains.Add(stats);
            client.Descriptions[stats.Uuid] = StatsFixture.Description(stats, new Libvirt.DomainDisk("hdc", "cdrom", "ide", "file", "/iso"));
        }

        return client;
    }

    [Fact]
    public async Task Metrics_DefaultFormat_IsPrometheusTextWithDomainSeries()
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], Client());
        using var response = await exporter.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("kvm_domain_cpu_time_seconds_total{uuid=\"11111111-2222-3333-4444-555555555555\",domain=\"vm \\\"hostile\\\"\\\\name\\nline2\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("kvm_libvirt_up 1", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Metrics_WithHostileNames_PassesPromtool()
    {
        PromtoolRunner.RequirePath();
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], Client());
        var result = PromtoolRunner.CheckMetrics(await exporter.ScrapeAsync());
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task Metrics_HungLibvirt_AnswersWithinTheHeaderDeadline()
    {
        var client = Client();
        var hang = new TaskCompletionSource();
        client.Gate = hang.Task;
        try
        {
            await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup", "--scrape.timeout=30s"], client);
            var started = DateTime.UtcNow;
            var lines = ExpositionText.Parse(await exporter.ScrapeAsync(timeoutHeader: 1.5));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
            Assert.Equal(0, lines.Single("kvm_exporter_collector_success", null, ("collector", "domain")));
            Assert.Equal(0, lines.Single("kvm_libvirt_up"));
        }
        finally
        {
            hang.SetResult();
        }
    }

    [Fact]
    public async Task HealthzAndLandingPage_Answer()
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], Client());
        Assert.Equal("ok\n", await exporter.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var landing = await exporter.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("/metrics", landing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentScrapes_ShareOneLibvirtCall()
    {
        var client = Client();
        client.Delay = TimeSpan.FromMilliseconds(500);
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], client);
        var pages = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => exporter.ScrapeAsync()));
        Assert.All(pages, p => Assert.Contains("kvm_domain_cpu_time_seconds_total", p, StringComparison.Ordinal));
        Assert.True(client.StatsCalls <= 2, $"{client.StatsCalls} libvirt calls for 10 concurrent scrapes");
    }

    [Theory]
    [InlineData(null, 10.0)]
    [InlineData("5", 4.5)]
    [InlineData("30", 10.0)]
    [InlineData("0.2", 0.1)]
    [InlineData("garbage", 10.0)]
    [InlineData("-3", 10.0)]
    public void Deadline_IsCappedBelowPrometheusTimeoutHeader(string? header, double expectedSeconds)
    {
        var options = ExporterOptions.Parse([]).Options!;
        Assert.Equal(expectedSeconds, ExporterApp.Deadline(options, header).TotalSeconds, 6);
    }
}
