using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.Analyzer.Tests.WriteBack;

public sealed class InfluxResultWriterTests
{
    [SkippableFact]
    public async Task RoundTrip_WrittenWhileInfluxdIsDown_ArrivesAfterRestart_AndReadsBackExactly()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await influxd.CreateDatabaseAsync("results");
        var buffer = Directory.CreateTempSubdirectory("kvm-writeback-");
        try
        {
            await influxd.KillAsync();
            var options = new InfluxWriteOptions
            {
                Connection = new InfluxConnectionOptions { Url = influxd.Url, Database = db, Timeout = TimeSpan.FromSeconds(2) },
                Precision = KvmMetrics.Influx.LineProtocol.WritePrecision.Seconds,
                BufferDirectory = buffer.FullName,
                RetryInitialDelay = TimeSpan.FromMilliseconds(200),
                RetryMaxDelay = TimeSpan.FromSeconds(1),
            };
            await using (var writer = new InfluxResultWriter(options))
            {
                writer.Plan(new PlanResult(ResultFixtures.PlanTime, ResultFixtures.Plan(), null!, [ResultFixtures.Forecast()]));
                writer.Hotspots(ResultFixtures.Hotspots());
                // Wait for the first failed request rather than a fixed time: on a loaded machine 500 ms may pass
                // before the writer's first attempt, and the writer counts as healthy until a request fails.
                for (var waited = 0; writer.Stats.Requests == 0 && waited < 20_000; waited += 100)
                {
                    await Task.Delay(100);
                }

                Assert.Equal(3 + 2 + 2, writer.Stats.BufferedPoints);
                Assert.False(writer.Stats.LastRequestSucceeded);

                await influxd.StartAsync();
                var (delivered, message) = await writer.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
                Assert.True(delivered, message);
                Assert.Equal(7, writer.Stats.PointsWritten);
            }

            using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = influxd.Url, Database = db });
            var forecast = (await query.QueryInfluxQlAsync("SELECT mean, lower80, upper95 FROM kvm_analyzer_forecast WHERE entity = 'compute-1' AND metric = 'cpu_cores' GROUP BY model")).EnsureSuccess().AllSeries.Single();
            Assert.Equal("holt-winters", forecast.Tags["model"]);
            Assert.Equal(
                [[ResultFixtures.PlanTime, 4.5, 4L, 5.5], [ResultFixtures.PlanTime + 3600, 5.25, 4.75, 6.25], [ResultFixtures.PlanTime + 7200, 6L, 5.5, 7L]],
                forecast.Values);
            var move = (await query.QueryInfluxQlAsync("SELECT \"order\", reason, from_p95_before, to_p95_after FROM kvm_analyzer_migration GROUP BY vm, \"from\", \"to\", kind")).EnsureSuccess().AllSeries.Single();
            Assert.Equal(new Dictionary<string, string> { ["vm"] = "web, \"1\"", ["from"] = "compute-1", ["to"] = "compute-2", ["kind"] = "hotspot" }, move.Tags);
            Assert.Equal(new object?[] { ResultFixtures.PlanTime, 1L, "compute-1 forecast p95 93% > 80%", 0.93, 0.63 }, move.Values.Single());
            var hot = (await query.QueryInfluxQlAsync("SELECT active, message FROM kvm_analyzer_hotspot GROUP BY host")).EnsureSuccess().AllSeries.ToArray();
            Assert.Equal(new object?[] { ResultFixtures.PlanTime, false, "steal \"high\", now ok" }, hot.Single(s => s.Tags["host"] == "compute-2").Values.Single());
        }
        finally
        {
            buffer.Delete(recursive: true);
        }
    }
}
