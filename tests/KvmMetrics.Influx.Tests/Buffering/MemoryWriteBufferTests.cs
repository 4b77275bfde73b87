using System.Text;
using KvmMetrics.Influx.Buffering;

namespace KvmMetrics.Influx.Tests.Buffering;

public class MemoryWriteBufferTests
{
    [Fact]
    public void Append_OverLimit_DropsOldestFirstAndCountsLines()
    {
        var buffer = new MemoryWriteBuffer(30);
        long dropped = 0;
        for (var i = 0; i < 6; i++)
        {
            dropped += buffer.Append(Encoding.UTF8.GetBytes($"line {i:D4}\n"), 2).DroppedLines;
        }

        Assert.Equal(6, dropped);
        var left = new List<string>();
        while (buffer.Peek() is { } b)
        {
            left.Add(Encoding.UTF8.GetString(b.Payload).Trim());
            buffer.Acknowledge(b);
        }

        Assert.Equal(["line 0003", "line 0004", "line 0005"], left);
    }

    [Fact]
    public void Release_LetsTheHeadBeDroppedForRoomAgain()
    {
        var buffer = new MemoryWriteBuffer(20);
        buffer.Append(new byte[10], 1);
        var head = buffer.Peek()!;
        Assert.Equal(0, buffer.Append(new byte[10], 1).DroppedLines);
        Assert.Equal(0, buffer.Append(new byte[10], 1).DroppedLines);
        buffer.Release(head);
        Assert.Equal(2, buffer.Append(new byte[10], 1).DroppedLines);
    }
}
