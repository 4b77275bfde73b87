using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Influx.Tests.Integration;

public sealed class InfluxdWriteReadTests(InfluxdFixture fixture) : IClassFixture<InfluxdFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const long T0 = 1_700_000_000_000_000_000;

    [SkippableFact]
    public async Task Write100kPoints_ReadBackExactly()
    {
        var server = fixture.Server;
        var db = await server.CreateDatabaseAsync("w100k");
        await using (var writer = new InfluxWriter(Options(server, db) with { BatchSize = 5000 }))
        {
            for (var s = 0; s < 100; s++)
            {
                for (var t = 0; t < 1000; t++)
                {
                    writer.Write(new PointData("vm_cpu")
                        .Tag("host", $"h{s:D2}")
                        .Tag("domain", $"instance-{s}, \"x\"=y")
                        .Field("value", Value(s, t))
                        .Field("count", (long)s * 1000 + t)
                        .Field("ok", t % 2 == 0)
                        .Timestamp(T0 + t * 1_000_000_000L + s));
                }
            }

            await writer.FlushAsync().WaitAsync(Wait);
            var stats = writer.GetStats();
            Assert.Equal(100_000, stats.PointsWritten);
            Assert.Equal(0, stats.TotalDropped);
        }

        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = db });
        var count = (await query.QueryInfluxQlAsync("SELECT count(value), sum(count) FROM vm_cpu")).EnsureSuccess().AllSeries.Single();
        Assert.Equal(100_000L, count.Values[0][1]);
        Assert.Equal(Enumerable.Range(0, 100_000).Sum(i => (long)i), count.Values[0][2]);

        var perHost = (await query.QueryInfluxQlAsync("SELECT count(value) FROM vm_cpu GROUP BY host")).EnsureSuccess().AllSeries.ToList();
        Assert.Equal(100, perHost.Count);
        Assert.All(perHost, s => Assert.Equal(1000L, s.Values[0][1]));

        // Every value of one series, bit for bit, with nanosecond timestamps.
        var series = (await query.QueryInfluxQlAsync("SELECT value, count, ok, domain FROM vm_cpu WHERE host = 'h42'",
            new InfluxQlQueryOptions { Epoch = WritePrecision.Nanoseconds })).EnsureSuccess().AllSeries.Single();
        Assert.Equal(1000, series.Values.Count);
        for (var t = 0; t < 1000; t++)
        {
            var row = series.Values[t];
            Assert.Equal(T0 + t * 1_000_000_000L + 42, row[0]);
            Assert.Equal(Value(42, t), InfluxQlSeries.AsDouble(row[1]));
            Assert.Equal(42_000L + t, row[2]);
            Assert.Equal(t % 2 == 0, row[3]);
            Assert.Equal("instance-42, \"x\"=y", row[4]);
        }
    }

    [SkippableFact]
    public async Task HostileNamesAndStrings_RoundTripThroughInfluxd1()
    {
        var server = fixture.Server;
        var db = await server.CreateDatabaseAsync("hostile");
        string[] values = ["a,b", "a=b", "a b", "a\\b", "a\\,b", "a\\ b", "x\"y", "émoji 🚀", "c:\\dir\\file", "=,= ,"];
        string[] texts = ["plain", "quote\"inside", "back\\slash", "line\nbreak", "both\\\"", "tab\there", ""];
        await using (var writer = new InfluxWriter(Options(server, db)))
        {
            for (var i = 0; i < values.Length; i++)
            {
                writer.Write(new PointData("odd measure,ment").Tag("tag key=", values[i]).Field("field key,", texts[i % texts.Length]).Field("i", (long)i).Timestamp(T0 + i));
            }

            await writer.FlushAsync().WaitAsync(Wait);
            Assert.Equal(values.Length, writer.GetStats().PointsWritten);
        }

        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = db });
        var series = (await query.QueryInfluxQlAsync("SELECT \"tag key=\", \"field key,\", i FROM \"odd measure,ment\"")).EnsureSuccess().AllSeries.Single();
        Assert.Equal("odd measure,ment", series.Name);
        Assert.Equal(values, series.Values.Select(r => (string)r[1]!));
        Assert.Equal(Enumerable.Range(0, values.Length).Select(i => texts[i % texts.Length]), series.Values.Select(r => (string)r[2]!));
    }

    [SkippableFact]
    public async Task PartialWrite_RealInfluxd_DropsOnlyTheBadLines()
    {
        var server = fixture.Server;
        var db = await server.CreateDatabaseAsync("partial");
        string[] bad = ["m v= 2", "bad line", "m,t=x v=3 notatime"];
        await using var writer = new InfluxWriter(Options(server, db) with { Precision = WritePrecision.Seconds });
        for (var i = 0; i < 10; i++)
        {
            writer.WriteLine($"m,t=x v={i} {1_700_000_000 + i}");
            if (i % 4 == 1)
            {
                writer.WriteLine(bad[i / 4]);
            }
        }

        await writer.FlushAsync().WaitAsync(Wait);
        var stats = writer.GetStats();
        Assert.Equal(10, stats.PointsWritten);
        Assert.Equal(3, stats.PointsDropped[DropReason.Rejected]);
        Assert.Equal(bad, writer.RecentRejections.Select(r => r.Line));

        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = db });
        var count = (await query.QueryInfluxQlAsync("SELECT count(v) FROM m")).EnsureSuccess().AllSeries.Single();
        Assert.Equal(10L, count.Values[0][1]);
    }

    [SkippableFact]
    public async Task FieldTypeConflict_RealInfluxd_CountsTheDroppedPoint()
    {
        var server = fixture.Server;
        var db = await server.CreateDatabaseAsync("conflict");
        await using var writer = new InfluxWriter(Options(server, db));
        writer.WriteLine("m v=1 1");
        await writer.FlushAsync().WaitAsync(Wait);
        writer.WriteLine("m v=2i 2");
        writer.WriteLine("m v=3 3");
        await writer.FlushAsync().WaitAsync(Wait);
        var stats = writer.GetStats();
        Assert.Equal(2, stats.PointsWritten);
        Assert.Equal(1, stats.PointsDropped[DropReason.Rejected]);
        Assert.Contains("field type conflict", stats.LastError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task InfluxQl_BadQuery_FailsWithServerMessage()
    {
        var server = fixture.Server;
        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = "nope" });
        var e = await Assert.ThrowsAsync<InfluxException>(() => query.QueryInfluxQlAsync("SELECT FROM WHERE"));
        Assert.Contains("error parsing query", e.Message, StringComparison.Ordinal);
        Assert.True(await query.PingAsync());
    }

    [SkippableFact]
    public async Task InfluxQl_UnknownDatabase_IsAStatementError()
    {
        var server = fixture.Server;
        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = "missing_db" });
        var result = await query.QueryInfluxQlAsync("SELECT * FROM m");
        var e = Assert.Throws<InfluxException>(() => result.EnsureSuccess());
        Assert.Contains("database not found", e.Message, StringComparison.Ordinal);
    }

    private static double Value(int s, int t) => s * 1.25 + t / 7.0 - 1e-9 * t;

    internal static InfluxWriteOptions Options(KvmMetrics.TestSupport.Influx.InfluxdServer server, string db) => new()
    {
        Connection = new InfluxConnectionOptions { Url = server.Url, Database = db, Timeout = TimeSpan.FromSeconds(30) },
        FlushInterval = TimeSpan.FromMilliseconds(200),
        RetryInitialDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromMilliseconds(500),
    };
}
