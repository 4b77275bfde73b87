using System.Net;
using KvmMetrics.Influx.Buffering;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Influx.Tests.Write;

/// <summary>The disk buffer on a real, small tmpfs that runs full while InfluxDB is down.</summary>
[Trait("Category", "Integration")]
public sealed class InfluxWriterDiskFullTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task DiskFullWhileInfluxDown_LossIsCountedNotThrown_RecoversWhenSpaceReturns_NoCorruptSegment()
    {
        using var disk = TmpfsMount.Require(256);
        var dir = Path.Combine(disk.Path, "influx-buffer");
        var up = false;
        var delivered = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var handler = new ScriptedHandler((request, _) =>
        {
            if (!Volatile.Read(ref up))
            {
                return ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable);
            }

            foreach (var line in request.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                delivered.Enqueue(line);
            }

            return ScriptedHandler.Status(HttpStatusCode.NoContent);
        });
        var options = new InfluxWriteOptions
        {
            Connection = new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:9"), Database = "kvm" },
            FlushInterval = TimeSpan.FromMinutes(5),
            BatchSize = 10,
            BufferDirectory = dir,
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };

        var accepted = new List<int>();
        await using (var writer = new InfluxWriter(options, new HttpClient(handler)))
        {
            // Batches of 10 lines of ~500 bytes: more than the slack of a tmpfs page, so a full disk fails the append.
            Assert.Equal(5, WriteBatches(writer, 0, 5, accepted));
            disk.Fill();
            var keptWhileFull = WriteBatches(writer, 5, 15, accepted);
            var full = writer.GetStats();
            Assert.True(keptWhileFull <= 1, $"{keptWhileFull} of 10 batches were buffered on a full disk");
            Assert.Equal((10 - keptWhileFull) * 10, full.PointsDropped[DropReason.BufferError]);
            Assert.Contains("No space left on device", full.LastError, StringComparison.Ordinal);

            disk.Free();
            Assert.Equal(5, WriteBatches(writer, 15, 20, accepted));

            Volatile.Write(ref up, true);
            await writer.FlushAsync().WaitAsync(Wait);
            var done = writer.GetStats();
            Assert.Equal(accepted.Count * 10, done.PointsWritten);
            Assert.Equal(200, done.PointsWritten + done.TotalDropped);
        }

        // Every batch that was accepted arrived once, in order; the ones refused while the disk was full are the gap.
        Assert.Equal(accepted.SelectMany(b => Enumerable.Range(b * 10, 10)).Select(Line), delivered);

        using var reopened = new DiskWriteBuffer(dir, options.BufferMaxBytes);
        Assert.Equal(0, reopened.CorruptBytesDiscarded);
        Assert.Equal(0, reopened.Lines);
    }

    private static string Line(int i) => $"m,pad={new string('p', 480)} v={i} {i}";

    /// <summary>Writes batches [from, to) of 10 lines each, committing each; returns how many the buffer accepted.</summary>
    private static int WriteBatches(InfluxWriter writer, int from, int to, List<int> accepted)
    {
        var kept = 0;
        for (var b = from; b < to; b++)
        {
            var before = writer.GetStats().PointsDropped[DropReason.BufferError];
            for (var i = b * 10; i < (b + 1) * 10; i++)
            {
                writer.WriteLine(Line(i));
            }

            writer.Flush();
            if (writer.GetStats().PointsDropped[DropReason.BufferError] == before)
            {
                accepted.Add(b);
                kept++;
            }
        }

        return kept;
    }
}
