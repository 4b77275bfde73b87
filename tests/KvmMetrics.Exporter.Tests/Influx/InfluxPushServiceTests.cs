using System.IO.Compression;
using System.Text;
using KvmMetrics.Exporter.Influx;
using KvmMetrics.Exposition;
using KvmMetrics.Influx.Query;
using KvmMetrics.TestSupport.Influx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Exporter.Tests.Influx;

public class InfluxPushServiceTests
{
    private static readonly MetricDescriptor Cpu = new("kvm_domain_cpu_time_seconds_total", MetricType.Counter, "CPU time.", "uuid", "domain");
    private static readonly MetricDescriptor Block = new("kvm_domain_block_read_bytes_total", MetricType.Counter, "Bytes read.", "uuid", "domain", "device");
    private static readonly MetricDescriptor Up = new("kvm_libvirt_up", MetricType.Gauge, "libvirt reachable.");
    private static readonly MetricDescriptor Ratio = new("kvm_domain_balloon_ratio", MetricType.Gauge, "Ratio.", "uuid", "domain");

    [Fact]
    public void ToPoints_SamplesBecomeMeasurementTagsAndValueField()
    {
        var points = InfluxPushService.ToPoints(SampleSet(), "compute-1", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)).ToList();
        var lines = points.Select(p => LineProtocolLine(p)).ToList();
        Assert.Equal(
        [
            "(dropped: kvm_domain_balloon_ratio)",
            "kvm_domain_block_read_bytes_total,device=vda,domain=web\\ 1,host=compute-1,uuid=u-1 value=4096 1700000000",
            "kvm_domain_cpu_time_seconds_total,domain=web\\ 1,host=compute-1,uuid=u-1 value=12.5 1700000000",
            "kvm_domain_cpu_time_seconds_total,domain=db\\,\\ \"main\",host=compute-1,uuid=u-2 value=3 1700000000",
            "kvm_libvirt_up,host=compute-1 value=1 1700000000",
        ], lines);
    }

    [Fact]
    public async Task PushOnce_WritesTheSameSamplesOverHttp_AndCountsNaN()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(204));
        var options = new InfluxPushOptions { Url = server.Url, Database = "kvm", HostTag = "compute-1", Interval = TimeSpan.FromSeconds(5) };
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var service = new InfluxPushService(options, _ => Task.FromResult(SampleSet()), NullLogger<InfluxPushService>.Instance, time);
        Assert.Equal(5, await service.PushOnceAsync(CancellationToken.None));
        await service.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/write", request.Path);
        Assert.Equal("kvm", request.Query["db"]);
        Assert.Equal("s", request.Query["precision"]);
        Assert.Equal(
            "kvm_domain_block_read_bytes_total,device=vda,domain=web\\ 1,host=compute-1,uuid=u-1 value=4096 1700000000\n" +
            "kvm_domain_cpu_time_seconds_total,domain=web\\ 1,host=compute-1,uuid=u-1 value=12.5 1700000000\n" +
            "kvm_domain_cpu_time_seconds_total,domain=db\\,\\ \"main\",host=compute-1,uuid=u-2 value=3 1700000000\n" +
            "kvm_libvirt_up,host=compute-1 value=1 1700000000\n",
            Gunzip(request.Body));

        var self = new MetricSetBuilder();
        service.WriteSelfMetrics(self);
        var set = self.Build();
        Assert.Equal(4, set.Find("kvm_exporter_influx_points_written_total")!.Samples.Single().Value);
        Assert.Equal(1, set.Find("kvm_exporter_influx_points_dropped_total")!.Samples.Single(s => s.LabelValues[0] == "no_fields").Value);
        Assert.Equal(1, set.Find("kvm_exporter_influx_nonfinite_values_dropped_total")!.Samples.Single().Value);
        Assert.Equal(1, set.Find("kvm_exporter_influx_up")!.Samples.Single().Value);
        Assert.Equal(1, set.Find("kvm_exporter_influx_pushes_total")!.Samples.Single(s => s.LabelValues[0] == "success").Value);
        Assert.Equal(0, set.Find("kvm_exporter_influx_buffer_points")!.Samples.Single().Value);
    }

    [Fact]
    public async Task PushOnce_SnapshotThrows_CountsErrorAndKeepsRunning()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(204));
        var options = new InfluxPushOptions { Url = server.Url, Interval = TimeSpan.FromSeconds(5) };
        var calls = 0;
        using var service = new InfluxPushService(options, _ => ++calls == 1 ? throw new InvalidOperationException("libvirt gone") : Task.FromResult(SampleSet()), NullLogger<InfluxPushService>.Instance);
        Assert.Equal(0, await service.PushOnceAsync(CancellationToken.None));
        Assert.Equal(5, await service.PushOnceAsync(CancellationToken.None));
        var self = new MetricSetBuilder();
        service.WriteSelfMetrics(self);
        var pushes = self.Build().Find("kvm_exporter_influx_pushes_total")!.Samples;
        Assert.Equal(1, pushes.Single(s => s.LabelValues[0] == "error").Value);
        Assert.Equal(1, pushes.Single(s => s.LabelValues[0] == "success").Value);
    }

    [Fact]
    public void Constructor_BufferDirUnderAFile_FailsNamingTheFlag()
    {
        var file = Path.GetTempFileName();
        try
        {
            var options = new InfluxPushOptions { Url = new Uri("http://127.0.0.1:9"), BufferDirectory = Path.Combine(file, "buffer") };
            var e = Assert.Throws<ArgumentException>(() => new InfluxPushService(options, _ => Task.FromResult(MetricSet.Empty), NullLogger<InfluxPushService>.Instance));
            Assert.StartsWith("--influx.buffer-dir", e.Message, StringComparison.Ordinal);
            Assert.Contains(file, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void SelfMetrics_AllNamedKvmExporterInflux()
    {
        Assert.All(InfluxPushMetrics.Descriptors, d => Assert.StartsWith("kvm_exporter_influx_", d.Name, StringComparison.Ordinal));
        Assert.Equal(InfluxPushMetrics.Descriptors.Count(), InfluxPushMetrics.Descriptors.Select(d => d.Name).Distinct().Count());
    }

    [SkippableFact]
    public async Task BackgroundPush_ToRealInfluxd_LandsWithDomainIdentityTags()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await influxd.CreateDatabaseAsync("push");
        var options = new InfluxPushOptions { Url = influxd.Url, Database = db, HostTag = "compute-9", Interval = TimeSpan.FromSeconds(1), Precision = KvmMetrics.Influx.LineProtocol.WritePrecision.Milliseconds };
        using var service = new InfluxPushService(options, _ => Task.FromResult(SampleSet()), NullLogger<InfluxPushService>.Instance);
        await service.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (service.Stats.PointsWritten < 8 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await service.StopAsync(CancellationToken.None);
        using var query = new InfluxQueryClient(new KvmMetrics.Influx.InfluxConnectionOptions { Url = influxd.Url, Database = db });
        var rows = (await query.QueryInfluxQlAsync("SELECT last(value) FROM kvm_domain_block_read_bytes_total GROUP BY uuid, domain, device, host")).EnsureSuccess().AllSeries.Single();
        Assert.Equal(new Dictionary<string, string> { ["uuid"] = "u-1", ["domain"] = "web 1", ["device"] = "vda", ["host"] = "compute-9" }, rows.Tags);
        Assert.Equal(4096.0, InfluxQlSeries.AsDouble(rows.Values[0][1]));
        var odd = (await query.QueryInfluxQlAsync("SELECT count(value) FROM kvm_domain_cpu_time_seconds_total WHERE domain = 'db, \"main\"'")).EnsureSuccess().AllSeries.Single();
        Assert.True((long)odd.Values[0][1]! >= 2);
    }

    private static MetricSet SampleSet()
    {
        var b = new MetricSetBuilder();
        b.Add(Cpu, 12.5, "u-1", "web 1");
        b.Add(Cpu, 3, "u-2", "db, \"main\"");
        b.Add(Block, 4096, "u-1", "web 1", "vda");
        b.Add(Up, 1);
        b.Add(Ratio, double.NaN, "u-1", "web 1");
        return b.Build();
    }

    private static string LineProtocolLine(KvmMetrics.Influx.LineProtocol.PointData p) =>
        KvmMetrics.Influx.LineProtocol.LineProtocolSerializer.ToLine(p, KvmMetrics.Influx.LineProtocol.WritePrecision.Seconds) ?? $"(dropped: {p.Measurement})";

    private static string Gunzip(byte[] body)
    {
        using var gz = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(gz, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
