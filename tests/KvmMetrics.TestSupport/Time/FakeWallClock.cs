using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.TestSupport.Time;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose wall clock the test pins, sets or advances, while timers and delays run in
/// real time: for integration tests that fix "now" for the analysis but talk to real servers, where a retry back-off
/// or a flush timer must really elapse (with the plain fake it would wait for an <c>Advance</c> nobody calls).
/// </summary>
public sealed class FakeWallClock(DateTimeOffset now) : FakeTimeProvider(now)
{
    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}
