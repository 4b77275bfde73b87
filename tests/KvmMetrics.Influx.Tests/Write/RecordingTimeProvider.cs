using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Influx.Tests.Write;

/// <summary>
/// The shared <see cref="FakeTimeProvider"/>, starting at the real now, that moves itself forward by every one-shot
/// timer's due time (what <c>Task.Delay</c> creates) and records the requested delays: retry back-off is checked
/// without sleeping, and the fake clock shows the time the writer waited.
/// </summary>
internal sealed class RecordingTimeProvider() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (period == Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _delays.Add(dueTime);
            }

            // After the caller has its timer: advancing inside CreateTimer would fire it before Task.Delay is set up.
            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        }

        return timer;
    }
}
