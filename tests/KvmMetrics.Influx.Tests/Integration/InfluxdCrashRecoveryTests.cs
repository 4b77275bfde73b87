using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.Influx.Tests.Integration;

public sealed class InfluxdCrashRecoveryTests : IDisposable
{
    private readonly string _bufferDir = Path.Combine(Path.GetTempPath(), "kvmm-crash-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_bufferDir))
        {
            Directory.Delete(_bufferDir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task KillInfluxdDuringPush_RestartOnSameDirs_ZeroPointsLost()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        var db = await server.CreateDatabaseAsync("crash");
        var options = InfluxdWriteReadTests.Options(server, db) with { BatchSize = 500, BufferDirectory = _bufferDir };
        const int Rounds = 60;
        const int PerRound = 500;
        var produced = 0;
        await using (var writer = new InfluxWriter(options))
        {
            for (var round = 0; round < Rounds; round++)
            {
                for (var i = 0; i < PerRound; i++)
                {
                    writer.Write(new PointData("push").Tag("vm", $"vm{i % 50}").Field("value", (double)produced).Timestamp(1_700_000_000_000_000_000 + produced));
                    produced++;
                }

                if (round == 20)
                {
                    await server.KillAsync();

                    // Wait until the writer has seen the outage, however slow the machine is.
                    var deadline = DateTime.UtcNow.AddSeconds(30);
                    while (writer.GetStats().LastRequestSucceeded && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(20);
                    }

                    Assert.False(writer.GetStats().LastRequestSucceeded);
                }

                if (round == 40)
                {
                    Assert.True(writer.GetStats().BufferedPoints > 0);
                    await server.StartAsync();
                }

                await Task.Delay(20);
            }

            await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var stats = writer.GetStats();
            Assert.Equal(0, stats.TotalDropped);
            Assert.True(stats.Retries > 0);
            Assert.True(stats.PointsWritten >= produced);
        }

        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = db });
        var count = (await query.QueryInfluxQlAsync("SELECT count(value) FROM push")).EnsureSuccess().AllSeries.Single();
        Assert.Equal((long)produced, count.Values[0][1]);
    }

    [SkippableFact]
    public async Task ExporterRestartWhileInfluxdDown_BufferedPointsArriveAfterBoth()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        var db = await server.CreateDatabaseAsync("restart");
        var options = InfluxdWriteReadTests.Options(server, db) with { BatchSize = 100, BufferDirectory = _bufferDir };
        await server.KillAsync();
        await using (var writer = new InfluxWriter(options))
        {
            for (var i = 0; i < 1000; i++)
            {
                writer.Write(new PointData("restart").Field("value", (double)i).Timestamp(1_700_000_000_000_000_000 + i));
            }
        }

        await server.StartAsync();
        await using (var writer = new InfluxWriter(options))
        {
            await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1000, writer.GetStats().PointsWritten);
        }

        using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = db });
        var rows = (await query.QueryInfluxQlAsync("SELECT value FROM restart", new InfluxQlQueryOptions { Epoch = WritePrecision.Nanoseconds })).EnsureSuccess().AllSeries.Single();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (double)i), rows.Values.Select(r => InfluxQlSeries.AsDouble(r[1])!.Value));
    }
}
