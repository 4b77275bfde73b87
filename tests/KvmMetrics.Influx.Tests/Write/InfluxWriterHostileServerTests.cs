using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.Influx.Tests.Write;

/// <summary>An InfluxDB that answers slowly or with garbage, then recovers: nothing is lost, nothing throws, the error is reported.</summary>
public sealed class InfluxWriterHostileServerTests
{
    [Fact]
    public async Task SlowThenGarbageThenHealthyServer_EveryPointArrivesOnceInOrder()
    {
        var accepted = new List<string>();
        var attempts = 0;
        await using var server = new RecordingHttpServer(request =>
        {
            var n = Interlocked.Increment(ref attempts);
            return n switch
            {
                // Slower than the 300 ms request timeout.
                <= 2 => new ScriptedResponse(204, Delay: TimeSpan.FromSeconds(3)),
                3 => new ScriptedResponse(502, "<html><body>Bad Gateway</body></html>", "text/html"),
                4 => new ScriptedResponse(500, "\u0000\u00ff{not json", "application/json"),
                5 => new ScriptedResponse(503, string.Empty, "text/plain"),
                _ => Accept(request, accepted),
            };
        });
        var options = new InfluxWriteOptions
        {
            Connection = new InfluxConnectionOptions { Url = server.Url, Database = "kvm", Timeout = TimeSpan.FromMilliseconds(300) },
            FlushInterval = TimeSpan.FromMinutes(5),
            BatchSize = 10,
            Gzip = false,
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(100),
        };

        await using (var writer = new InfluxWriter(options, new HttpClient()))
        {
            for (var i = 0; i < 50; i++)
            {
                writer.WriteLine($"m v={i} {i}");
            }

            await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var stats = writer.GetStats();
            Assert.Equal(50, stats.PointsWritten);
            Assert.Equal(0, stats.TotalDropped);
            Assert.True(stats.Retries >= 5, $"{stats.Retries} retries");
            Assert.True(stats.LastRequestSucceeded);
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m v={i} {i}"), accepted);
    }

    private static ScriptedResponse Accept(ReceivedRequest request, List<string> accepted)
    {
        lock (accepted)
        {
            accepted.AddRange(System.Text.Encoding.UTF8.GetString(request.Body).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        return new ScriptedResponse(204);
    }
}
