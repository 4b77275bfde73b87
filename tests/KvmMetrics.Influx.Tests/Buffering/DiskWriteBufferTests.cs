using System.Text;
using KvmMetrics.Influx.Buffering;

namespace KvmMetrics.Influx.Tests.Buffering;

public sealed class DiskWriteBufferTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kvmm-buf-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Drain_ReturnsBatchesInAppendOrder()
    {
        using var buffer = new DiskWriteBuffer(_dir, 1 << 20);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(buffer.Append(Batch(i), 1).Appended);
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(Text), DrainAll(buffer));
        Assert.Equal(0, buffer.Bytes);
        Assert.Equal(0, buffer.Lines);
    }

    [Fact]
    public void Reopen_AfterRestart_ResumesWithOldestUnacknowledgedBatch()
    {
        using (var buffer = new DiskWriteBuffer(_dir, 1 << 20))
        {
            for (var i = 0; i < 10; i++)
            {
                buffer.Append(Batch(i), 1);
            }

            for (var i = 0; i < 4; i++)
            {
                buffer.Acknowledge(buffer.Peek()!);
            }
        }

        using var reopened = new DiskWriteBuffer(_dir, 1 << 20);
        Assert.Equal(6, reopened.Batches);
        reopened.Append(Batch(10), 1);
        Assert.Equal(Enumerable.Range(4, 7).Select(Text), DrainAll(reopened));
    }

    [Fact]
    public void Reopen_PeekedButNotAcknowledgedBatch_IsDeliveredAgain()
    {
        using (var buffer = new DiskWriteBuffer(_dir, 1 << 20))
        {
            buffer.Append(Batch(1), 1);
            Assert.NotNull(buffer.Peek());
        }

        using var reopened = new DiskWriteBuffer(_dir, 1 << 20);
        Assert.Equal([Text(1)], DrainAll(reopened));
    }

    [Fact]
    public void Append_OverLimit_DropsOldestBatchesAndReportsThem()
    {
        // Each record is 16 header bytes + 1000 payload bytes; 10 fit in 10_200.
        using var buffer = new DiskWriteBuffer(_dir, 10_200);
        long dropped = 0;
        for (var i = 0; i < 25; i++)
        {
            var r = buffer.Append(Fixed(i, 1000), 3);
            Assert.True(r.Appended);
            dropped += r.DroppedLines;
        }

        Assert.Equal(15 * 3, dropped);
        Assert.True(buffer.Bytes <= 10_200);
        var left = DrainAll(buffer);
        Assert.Equal(Enumerable.Range(15, 10).Select(i => i.ToString("D4", null)), left.Select(l => l[..4]));
    }

    [Fact]
    public void Append_OverLimit_SurvivesReopenWithoutResurrectingDroppedData()
    {
        using (var buffer = new DiskWriteBuffer(_dir, 10_200))
        {
            for (var i = 0; i < 25; i++)
            {
                buffer.Append(Fixed(i, 1000), 1);
            }
        }

        using var reopened = new DiskWriteBuffer(_dir, 10_200);
        Assert.Equal(Enumerable.Range(15, 10).Select(i => i.ToString("D4", null)), DrainAll(reopened).Select(l => l[..4]));
    }

    [Fact]
    public void Reopen_WithSmallerLimit_DropsOldestAndReportsLines()
    {
        using (var buffer = new DiskWriteBuffer(_dir, 1 << 20))
        {
            for (var i = 0; i < 20; i++)
            {
                buffer.Append(Fixed(i, 1000), 2);
            }
        }

        using var reopened = new DiskWriteBuffer(_dir, 5_100);
        Assert.Equal(15 * 2, reopened.LinesDroppedAtOpen);
        Assert.Equal(Enumerable.Range(15, 5).Select(i => i.ToString("D4", null)), DrainAll(reopened).Select(l => l[..4]));
    }

    [Fact]
    public void Append_WhileHeadInFlight_NeverDropsTheInFlightBatch()
    {
        using var buffer = new DiskWriteBuffer(_dir, 3_100);
        buffer.Append(Fixed(0, 1000), 1);
        var inFlight = buffer.Peek()!;
        buffer.Append(Fixed(1, 1000), 1);
        buffer.Append(Fixed(2, 1000), 1);
        buffer.Append(Fixed(3, 1000), 1);
        Assert.Equal("0000", Encoding.UTF8.GetString(buffer.Peek()!.Payload)[..4]);
        buffer.Acknowledge(inFlight);
        buffer.Append(Fixed(4, 1000), 1);
        Assert.Equal(["0002", "0003", "0004"], DrainAll(buffer).Select(l => l[..4]));
    }

    [Fact]
    public void Append_BatchLargerThanBuffer_IsRefusedWithReason()
    {
        using var buffer = new DiskWriteBuffer(_dir, 2048);
        var r = buffer.Append(new byte[4096], 10);
        Assert.False(r.Appended);
        Assert.Contains("larger than the whole buffer", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reopen_TornRecordAtEnd_IsCutAndCounted_EarlierRecordsKept()
    {
        using (var buffer = new DiskWriteBuffer(_dir, 1 << 20))
        {
            buffer.Append(Batch(1), 1);
            buffer.Append(Batch(2), 1);
        }

        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        var length = new FileInfo(segment).Length;
        using (var f = new FileStream(segment, FileMode.Open))
        {
            f.SetLength(length - 3);
        }

        using var reopened = new DiskWriteBuffer(_dir, 1 << 20);
        Assert.Equal([Text(1)], DrainAll(reopened));
        Assert.True(reopened.CorruptBytesDiscarded > 0);
    }

    [Fact]
    public void Reopen_FlippedByteInPayload_IsDetectedByChecksum()
    {
        using (var buffer = new DiskWriteBuffer(_dir, 1 << 20))
        {
            buffer.Append(Batch(1), 1);
        }

        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[^2] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        using var reopened = new DiskWriteBuffer(_dir, 1 << 20);
        Assert.Empty(DrainAll(reopened));
        Assert.Equal(bytes.Length, reopened.CorruptBytesDiscarded);
    }

    [Fact]
    public void Drain_ManySegments_DeletesConsumedSegmentFiles()
    {
        using var buffer = new DiskWriteBuffer(_dir, 200_000);
        for (var i = 0; i < 100; i++)
        {
            buffer.Append(Fixed(i, 1000), 1);
        }

        Assert.True(Directory.GetFiles(_dir, "*.seg").Length > 3);
        Assert.Equal(100, DrainAll(buffer).Count);
        Assert.True(Directory.GetFiles(_dir, "*.seg").Length <= 1);
    }

    [SkippableFact]
    public void Append_DiskFull_IsReportedNotThrown_AndLaterAppendsWork()
    {
        // /dev/full fails every write with a real ENOSPC; the first segment is opened on it.
        Skip.IfNot(File.Exists("/dev/full"), "/dev/full is needed to simulate a full disk");
        var opened = 0;
        using var buffer = new DiskWriteBuffer(_dir, 1 << 20, fsync: true, path => ++opened == 1
            ? new FileStream("/dev/full", FileMode.Open, FileAccess.Write)
            : new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read));
        var r = buffer.Append(Batch(1), 1);
        Assert.False(r.Appended);
        Assert.Contains("No space left on device", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, buffer.Batches);
        Assert.True(buffer.Append(Batch(2), 1).Appended);
        Assert.Equal([Text(2)], DrainAll(buffer));
    }

    private static List<string> DrainAll(IWriteBuffer buffer)
    {
        var result = new List<string>();
        while (buffer.Peek() is { } batch)
        {
            result.Add(Encoding.UTF8.GetString(batch.Payload));
            buffer.Acknowledge(batch);
        }

        return result;
    }

    private static string Text(int i) => $"m v={i}\n";

    private static byte[] Batch(int i) => Encoding.UTF8.GetBytes(Text(i));

    private static byte[] Fixed(int i, int size) => Encoding.UTF8.GetBytes(i.ToString("D4", null).PadRight(size, 'x'));
}
