using System.Collections;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Libvirt;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Tests.Options;

public sealed class ExporterOptionsTests
{
    private static OptionsParseResult Parse(string[] args, IDictionary? env = null) => ExporterOptions.Parse(args, env ?? new Hashtable());

    [Fact]
    public void Parse_NoInput_GivesDocumentedDefaults()
    {
        var o = Parse([]).Options!;
        Assert.Equal(":9177", o.ListenAddress);
        Assert.Equal("/metrics", o.TelemetryPath);
        Assert.Equal("qemu:///system", o.LibvirtUri);
        Assert.Equal(StatsGroups.All, o.StatsGroups);
        Assert.Equal(TimeSpan.FromSeconds(10), o.ScrapeTimeout);
        Assert.Equal(TimeSpan.Zero, o.CollectionInterval);
        Assert.Equal(LogLevel.Information, o.LogLevel);
        Assert.True(o.IsEnabled("domain") && o.IsEnabled("domain_info") && o.IsEnabled("host") && o.IsEnabled("cgroup"));
    }

    [Fact]
    public void Parse_FlagsInBothSpellings_AreApplied()
    {
        var o = Parse(["--web.listen-address=127.0.0.1:9999", "--scrape.timeout", "2.5s", "--libvirt.stats-groups=state,vcpu", "--no-collector.host",
            "--collector.cgroup=false", "--domain.include=web-.*", "--domain.uuid=4C50CFFA-54BA-457B-BD51-20EC4B17B280", "--log.level=debug"]).Options!;
        Assert.Equal("127.0.0.1:9999", o.ListenAddress);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.ScrapeTimeout);
        Assert.Equal(StatsGroups.State | StatsGroups.Vcpu, o.StatsGroups);
        Assert.False(o.IsEnabled("host"));
        Assert.False(o.IsEnabled("cgroup"));
        Assert.True(o.IsEnabled("domain"));
        Assert.True(o.Admits("web-1", "4c50cffa-54ba-457b-bd51-20ec4b17b280"));
        Assert.False(o.Admits("xweb-1", "4c50cffa-54ba-457b-bd51-20ec4b17b280"));
        Assert.False(o.Admits("web-1", "00000000-0000-0000-0000-000000000000"));
        Assert.Equal(LogLevel.Debug, o.LogLevel);
    }

    [Fact]
    public void Parse_Precedence_FlagOverEnvironmentOverFileOverDefault()
    {
        var file = Path.Combine(Path.GetTempPath(), "kvmexp-" + Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(file, "web:\n  listen-address: ':7001'\n  telemetry-path: /file-metrics\nscrape:\n  timeout: 3s\ncollector:\n  host: false\nlibvirt.stats-groups: [state, block]\n");
        try
        {
            var env = new Hashtable { ["KVM_EXPORTER_WEB_LISTEN_ADDRESS"] = ":7002", ["KVM_EXPORTER_SCRAPE_TIMEOUT"] = "4s", ["PATH"] = "/bin" };
            var o = Parse(["--config.file", file, "--scrape.timeout=5s"], env).Options!;
            Assert.Equal(":7002", o.ListenAddress);            // env over file
            Assert.Equal("/file-metrics", o.TelemetryPath);    // file over default
            Assert.Equal(TimeSpan.FromSeconds(5), o.ScrapeTimeout); // flag over env
            Assert.False(o.IsEnabled("host"));
            Assert.Equal(StatsGroups.State | StatsGroups.Block, o.StatsGroups);
            Assert.Equal(file, o.ConfigFile);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--web.listen-address=9177", "--web.listen-address", "[host]:port")]
    [InlineData("--web.listen-address=:70000", "--web.listen-address", "0..65535")]
    [InlineData("--web.telemetry-path=metrics", "--web.telemetry-path", "absolute URL path")]
    [InlineData("--web.telemetry-path=/healthz", "--web.telemetry-path", "absolute URL path")]
    [InlineData("--web.config.file=/nonexistent/web.yml", "--web.config.file", "does not exist")]
    [InlineData("--libvirt.uri=", "--libvirt.uri", "libvirt URI")]
    [InlineData("--libvirt.stats-groups=state,cpu", "--libvirt.stats-groups", "unknown stats group 'cpu'")]
    [InlineData("--libvirt.parallel-chunks=0", "--libvirt.parallel-chunks", "1..64")]
    [InlineData("--libvirt.parallel-chunks=x", "--libvirt.parallel-chunks", "1..64")]
    [InlineData("--libvirt.slow-refresh=0s", "--libvirt.slow-refresh", "1s..1d")]
    [InlineData("--libvirt.keepalive-interval=500ms", "--libvirt.keepalive-interval", "1s..10m")]
    [InlineData("--libvirt.keepalive-count=0", "--libvirt.keepalive-count", "1..100")]
    [InlineData("--scrape.timeout=0", "--scrape.timeout", "100ms..5m")]
    [InlineData("--scrape.timeout=10x", "--scrape.timeout", "100ms..5m")]
    [InlineData("--scrape.timeout=-1s", "--scrape.timeout", "100ms..5m")]
    [InlineData("--scrape.timeout=6m", "--scrape.timeout", "100ms..5m")]
    [InlineData("--collection.interval=500ms", "--collection.interval", "1s..1h")]
    [InlineData("--domain.include=(", "--domain.include", "invalid regular expression")]
    [InlineData("--domain.uuid=not-a-uuid", "--domain.uuid", "which is not a UUID")]
    [InlineData("--log.level=verbose", "--log.level", "debug, info, warn, error")]
    [InlineData("--collector.nope", "--collector.nope", "unknown collector 'nope'")]
    [InlineData("--collector.host=maybe", "--collector.host", "true or false")]
    [InlineData("--no-such-flag=1", "--no-such-flag", "unknown option")]
    [InlineData("--config.file=/nonexistent.yml", "--config.file", "does not exist")]
    [InlineData("positional", "argument 'positional'", "--name=value")]
    public void Parse_BadValue_NamesTheOptionAndTheAcceptedRange(string arg, string option, string accepted)
    {
        var result = Parse([arg]);
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(accepted, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadEnvironmentValue_NamesTheVariable()
    {
        var result = Parse([], new Hashtable { ["KVM_EXPORTER_LIBVIRT_PARALLEL_CHUNKS"] = "100" });
        Assert.Contains("environment KVM_EXPORTER_LIBVIRT_PARALLEL_CHUNKS", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownEnvironmentVariableWithPrefix_IsRejected()
    {
        var result = Parse([], new Hashtable { ["KVM_EXPORTER_SCRAPE_TIMEOUTT"] = "1s" });
        Assert.Contains("KVM_EXPORTER_SCRAPE_TIMEOUTT", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SlowGroupsNotFetched_IsRejected()
    {
        var result = Parse(["--libvirt.stats-groups=state", "--libvirt.slow-groups=block"]);
        Assert.Contains("--libvirt.slow-groups", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadConfigFileKey_NamesTheFileAndKey()
    {
        var file = Path.Combine(Path.GetTempPath(), "kvmexp-" + Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(file, "scrape:\n  timeoutt: 3s\n");
        try
        {
            var error = Assert.Single(Parse(["--config.file=" + file]).Errors);
            Assert.Contains("key scrape.timeoutt", error, StringComparison.Ordinal);
            Assert.Contains(file, error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ToLibvirtOptions_KeepaliveOn_SerializesCalls_OffByDefault()
    {
        var off = Parse([]).Options!.ToLibvirtOptions();
        Assert.Equal(TimeSpan.Zero, off.KeepAliveInterval);
        Assert.False(off.SerializeCalls);

        var on = Parse(["--libvirt.keepalive-interval=5s", "--libvirt.keepalive-count=4"]).Options!.ToLibvirtOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), on.KeepAliveInterval);
        Assert.Equal(4, on.KeepAliveCount);
        Assert.True(on.SerializeCalls);
        Assert.Empty(on.Validate());
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        Assert.Equal(3, Parse(["--scrape.timeout=0", "--log.level=x", "--libvirt.parallel-chunks=99"]).Errors.Count);
    }
}
