using System.Text.Json;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport.Influx;
using KvmMetrics.TestSupport.VictoriaMetrics;

namespace KvmMetrics.Analyzer.Tests.WriteBack;

/// <summary>The v2 write-back through InfluxDB.Client against a REAL victoria-metrics (/api/v2/write), with the disk buffer.</summary>
public sealed class InfluxClientTransportTests
{
    [SkippableFact]
    public async Task V2WriteBack_BufferedOnDiskWhileTheServerIsAbsent_ArrivesInVictoriaMetricsOnTheNextStart()
    {
        await using var vm = await VictoriaMetricsServer.StartNewAsync();
        var buffer = Directory.CreateTempSubdirectory("kvm-writeback-v2-");
        try
        {
            InfluxWriteOptions Options(Uri url) => new()
            {
                Connection = new InfluxConnectionOptions
                {
                    Url = url, ApiVersion = InfluxApiVersion.V2, Organization = "ops", Bucket = "analyzer", Token = "t0ken", Timeout = TimeSpan.FromSeconds(2),
                },
                Precision = KvmMetrics.Influx.LineProtocol.WritePrecision.Seconds,
                BufferDirectory = buffer.FullName,
                RetryInitialDelay = TimeSpan.FromMilliseconds(100),
                RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            };

            // Nothing listens on this port: the points must wait in the disk buffer, not vanish.
            await using (var absent = new InfluxResultWriter(Options(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"))))
            {
                absent.Plan(new PlanResult(ResultFixtures.PlanTime, ResultFixtures.Plan(), null!, [ResultFixtures.Forecast()]));
                absent.Hotspots(ResultFixtures.Hotspots());
                var (delivered, _) = await absent.DrainAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
                Assert.False(delivered);
                Assert.Equal(7, absent.Stats.BufferedPoints);
                Assert.Equal(0, absent.Stats.PointsWritten);
            }

            await using (var present = new InfluxResultWriter(Options(vm.Url)))
            {
                var (delivered, message) = await present.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
                Assert.True(delivered, message);
                Assert.Equal(7, present.Stats.PointsWritten);
            }

            await vm.FlushAsync();
            // victoria-metrics names a line-protocol field <measurement>_<field>; string fields (reasons, messages) it drops.
            var mean = await Values(vm, "kvm_analyzer_forecast_mean{entity=\"compute-1\",metric=\"cpu_cores\",model=\"holt-winters\"}", ResultFixtures.PlanTime + 7200);
            Assert.Equal([6.0], mean);
            var upper = await Values(vm, "kvm_analyzer_forecast_upper95{entity=\"compute-1\"}", ResultFixtures.PlanTime + 3600);
            Assert.Equal([6.25], upper);
            var move = await Values(vm, "max_over_time(kvm_analyzer_migration_to_p95_after{from=\"compute-1\",to=\"compute-2\",kind=\"hotspot\"}[1d])", ResultFixtures.PlanTime + 3600);
            Assert.Equal([0.63], move);
        }
        finally
        {
            buffer.Delete(recursive: true);
        }
    }

    private static async Task<double[]> Values(VictoriaMetricsServer vm, string selector, long time)
    {
        using var doc = JsonDocument.Parse(await vm.QueryAsync(selector, time));
        return [.. doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture))];
    }
}
