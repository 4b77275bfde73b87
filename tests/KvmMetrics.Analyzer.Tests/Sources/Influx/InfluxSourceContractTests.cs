using System.Globalization;
using System.Text.Json;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.Sources.Influx;
using KvmMetrics.Influx;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

/// <summary>What the source sends and how it treats answers, on a real HTTP listener (v2 Flux: influxd 1.6 has no Flux).</summary>
public sealed class InfluxSourceContractTests
{
    private const long Now = 1_700_002_800; // 2023-11-14T23:00:00Z

    [Fact]
    public async Task V2_SendsFluxWithTokenAndOrg_AndMapsTheAnnotatedCsv()
    {
        var cpu = File.ReadAllText(RepoPaths.TestData("flux", "cpu_windows.csv"));
        await using var server = new RecordingHttpServer(r => new ScriptedResponse(200, Answer(r, cpu), "text/csv; charset=utf-8"));
        using var source = new InfluxSource(new InfluxSourceOptions
        {
            Connection = new InfluxConnectionOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V2, Organization = "my org", Bucket = "kvm/\"metrics\"", Token = "s3cr3t==" },
            Lookback = TimeSpan.FromHours(1),
        });

        var data = await source.LoadAsync(Now, CancellationToken.None);

        var first = server.Requests[0];
        Assert.Equal("POST", first.Method);
        Assert.Equal("/api/v2/query", first.Path);
        Assert.Equal("my org", first.Query["org"]);
        Assert.Single(first.Query.AllKeys);
        Assert.Equal("Token s3cr3t==", first.Headers["Authorization"]);
        Assert.Equal("application/csv", first.Headers["Accept"]);
        Assert.StartsWith("application/json", first.Headers["Content-Type"], StringComparison.Ordinal);
        using (var body = JsonDocument.Parse(first.Body))
        {
            Assert.Equal("flux", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(
                "from(bucket: \"kvm/\\\"metrics\\\"\")\n" +
                "  |> range(start: 2023-11-14T22:00:00Z, stop: 2023-11-14T23:00:00Z)\n" +
                "  |> filter(fn: (r) => r._measurement == \"kvm_host_cpus\" and r._field == \"value\")\n" +
                "  |> last()",
                body.RootElement.GetProperty("query").GetString());
        }

        Assert.Equal(4 + 7, server.Requests.Count);
        Assert.Contains(server.Requests, r => Query(r).Contains("aggregateWindow(every: 300s, fn: last, createEmpty: false, timeSrc: \"_start\")", StringComparison.Ordinal));
        var host = Assert.Single(data.Cluster.Snapshot.Hosts);
        Assert.Equal(("compute-1", 8.0, 32L << 30), (host.Name, host.CpuCores, host.MemoryBytes));
        var vm = Assert.Single(data.Cluster.Snapshot.Vms);
        Assert.Equal(("web", "compute-1", 2, 4L << 30), (vm.Name, vm.Host, vm.Vcpus, vm.MemoryBytes));
        // No vCPU delay answered (empty result): demand falls back to the CPU time rate.
        var series = data.Series.Single(s => s.Metric == ClusterMetrics.CpuCores);
        Assert.Equal([1_699_999_500L, 1_699_999_800], series.Timestamps);
        Assert.Equal([1.0, 1.0], series.Values);
    }

    [Fact]
    public async Task V1_GarbageAnswer_IsRetriedThenReportedAsUnavailable()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(200, "<html>proxy error</html>", "text/html"));
        using var source = V1(server.Url, TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(Now, CancellationToken.None));
        Assert.Contains("/query: InfluxQL answer is not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task V1_SlowServer_TimesOutWithinTheLimit()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(200, "{}", Delay: TimeSpan.FromSeconds(20)));
        using var source = V1(server.Url, TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(Now, CancellationToken.None));
        Assert.True(e.Message.Contains("0.3 s", StringComparison.Ordinal), e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(401, "{\"error\":\"authorization failed\"}", "check the credentials")]
    [InlineData(200, "{\"results\":[{\"statement_id\":0,\"error\":\"database not found: kvm\"}]}", "database not found: kvm")]
    public async Task V1_PermanentErrors_AreNotRetried(int status, string body, string expected)
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(status, body));
        using var source = V1(server.Url, TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(Now, CancellationToken.None));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("after 1 attempt)", e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task V1_UsesGetWithDbAndBasicAuth_AndNoHostCapacityIsAnHonestError()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(200, "{\"results\":[{\"statement_id\":0}]}"));
        using var source = new InfluxSource(new InfluxSourceOptions
        {
            Connection = new InfluxConnectionOptions { Url = server.Url, Database = "kvm", RetentionPolicy = "weekly", Username = "analyzer", Password = "pw" },
        });
        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(Now, CancellationToken.None));
        Assert.Contains("database 'kvm' retention policy 'weekly': no kvm_host_cpus points in the hour before 2023-11-14 23:00:00Z", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", e.Message, StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("kvm", request.Query["db"]);
        Assert.Equal("s", request.Query["epoch"]);
        Assert.Equal("SELECT last(\"value\") FROM \"weekly\".\"kvm_host_cpus\" WHERE time >= 1699999200s AND time < 1700002800s GROUP BY *", request.Query["q"]);
        Assert.StartsWith("Basic ", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    private static InfluxSource V1(Uri url, TimeSpan timeout) => new(new InfluxSourceOptions
    {
        Connection = new InfluxConnectionOptions { Url = url, Database = "kvm", Timeout = timeout },
        Attempts = 2,
        Backoff = TimeSpan.FromMilliseconds(10),
    });

    private static string Query(ReceivedRequest r)
    {
        using var body = JsonDocument.Parse(r.Body);
        return body.RootElement.GetProperty("query").GetString()!;
    }

    /// <summary>InfluxDB 2.x answers: one table per series; an empty result is an empty body.</summary>
    private static string Answer(ReceivedRequest r, string cpu)
    {
        var q = Query(r);
        string Last(string measurement, string tags, string tagValues, double value) =>
            "#group,false,false,true,true,false,false,true,true" + string.Concat(tags.Split(',').Select(_ => ",true")) + "\r\n" +
            "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string" + string.Concat(tags.Split(',').Select(_ => ",string")) + "\r\n" +
            "#default,_result,,,,,,," + string.Concat(tags.Split(',').Select(_ => ",")) + "\r\n" +
            ",result,table,_start,_stop,_time,_value,_field,_measurement," + tags + "\r\n" +
            string.Create(CultureInfo.InvariantCulture, $",,0,2023-11-14T22:00:00Z,2023-11-14T23:00:00Z,2023-11-14T22:59:45Z,{value},value,{measurement},{tagValues}\r\n\r\n");
        return q switch
        {
            _ when q.Contains("\"kvm_host_cpus\"", StringComparison.Ordinal) => Last("kvm_host_cpus", "host", "compute-1", 8),
            _ when q.Contains("\"kvm_host_memory_bytes\"", StringComparison.Ordinal) => Last("kvm_host_memory_bytes", "host", "compute-1", 32L << 30),
            _ when q.Contains("\"kvm_domain_vcpus_allocated\"", StringComparison.Ordinal) => Last("kvm_domain_vcpus_allocated", "domain,host,uuid", "web,compute-1,u1", 2),
            _ when q.Contains("\"kvm_domain_memory_allocated_bytes\"", StringComparison.Ordinal) => Last("kvm_domain_memory_allocated_bytes", "domain,host,uuid", "web,compute-1,u1", 4L << 30),
            _ when q.Contains("\"kvm_domain_cpu_time_seconds_total\"", StringComparison.Ordinal) => cpu,
            _ => "\r\n",
        };
    }
}
