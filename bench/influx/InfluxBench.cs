#:project ../../src/KvmMetrics.Influx/KvmMetrics.Influx.csproj
#:property PublishAot=false

// Write throughput of the KvmMetrics InfluxDB client against a running influxd (1.x API).
// Usage: dotnet run InfluxBench.cs -- <url> <points> <batch> <gzip:true|false> <buffer:memory|disk>
using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Influx;
using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;

var url = new Uri(args[0]);
var points = int.Parse(args[1], CultureInfo.InvariantCulture);
var batch = int.Parse(args[2], CultureInfo.InvariantCulture);
var gzip = bool.Parse(args[3]);
var disk = args[4] == "disk";
var db = "bench_" + Guid.NewGuid().ToString("N")[..8];
var connection = new InfluxConnectionOptions { Url = url, Database = db, Timeout = TimeSpan.FromSeconds(60) };
using var query = new InfluxQueryClient(connection);
(await query.QueryInfluxQlAsync($"CREATE DATABASE \"{db}\"")).EnsureSuccess();
var bufferDir = Path.Combine(Path.GetTempPath(), "kvmm-bench-" + Guid.NewGuid().ToString("N")[..8]);

var options = new InfluxWriteOptions
{
    Connection = connection,
    BatchSize = batch,
    BatchBytes = 64 * 1024 * 1024,
    Gzip = gzip,
    BufferDirectory = disk ? bufferDir : null,
    BufferMaxBytes = 1L << 30,
    FlushInterval = TimeSpan.FromSeconds(1),
};

var process = Process.GetCurrentProcess();

// Serialization alone (point construction + line protocol), to split client CPU into encode vs send.
process.Refresh();
var serializeCpu0 = process.TotalProcessorTime;
var sb = new System.Text.StringBuilder(1 << 20);
for (var i = 0; i < points; i++)
{
    LineProtocolSerializer.TryAppend(sb, MakePoint(i), WritePrecision.Nanoseconds, out _, LineProtocolDialect.InfluxDb1);
    if (sb.Length > 1 << 20)
    {
        sb.Clear();
    }
}

process.Refresh();
var serializeCpu = process.TotalProcessorTime - serializeCpu0;
var cpu0 = process.TotalProcessorTime;
var wall = Stopwatch.StartNew();
InfluxWriterStats stats;
await using (var writer = new InfluxWriter(options))
{
    for (var i = 0; i < points; i++)
    {
        writer.Write(MakePoint(i));
    }

    await writer.FlushAsync();
    stats = writer.GetStats();
}

wall.Stop();
process.Refresh();
var cpu = process.TotalProcessorTime - cpu0;
var count = (await query.QueryInfluxQlAsync("SELECT count(value) FROM kvm_domain_block_read_bytes_total", new InfluxQlQueryOptions { Database = db }))
    .EnsureSuccess().AllSeries.Single().Values[0][1];
(await query.QueryInfluxQlAsync($"DROP DATABASE \"{db}\"")).EnsureSuccess();
if (Directory.Exists(bufferDir))
{
    Directory.Delete(bufferDir, recursive: true);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"points={points} batch={batch} gzip={gzip} buffer={(disk ? "disk" : "memory")} wall_s={wall.Elapsed.TotalSeconds:0.00} points_per_s={points / wall.Elapsed.TotalSeconds:0} client_cpu_s_per_100k={cpu.TotalSeconds / points * 100_000:0.000} serialize_only_cpu_s_per_100k={serializeCpu.TotalSeconds / points * 100_000:0.000} sent_mb={stats.BytesSent / 1e6:0.0} requests={stats.Requests} stored={count}"));
if (stats.PointsWritten != points || Convert.ToInt64(count, CultureInfo.InvariantCulture) != points)
{
    Console.Error.WriteLine($"MISMATCH: written={stats.PointsWritten} stored={count} expected={points}");
    return 1;
}

return 0;

// 1000 series (the exporter's shape: one metric per domain and device), one point per series per 10 s step.
static PointData MakePoint(int i)
{
    const long T0 = 1_700_000_000_000_000_000;
    var series = i % 1000;
    return new PointData("kvm_domain_block_read_bytes_total")
        .Tag("uuid", "6f1c0f4e-1111-4a3b-9c7e-" + series.ToString("D12", CultureInfo.InvariantCulture))
        .Tag("domain", "instance-" + series.ToString(CultureInfo.InvariantCulture))
        .Tag("device", "vda")
        .Tag("host", "compute-1")
        .Field("value", i * 512.0 + 0.25)
        .Timestamp(T0 + (i / 1000) * 10_000_000_000L);
}
