using KvmMetrics.Exporter.Collectors;
using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Scraping;

/// <summary>
/// Runs one collector under a deadline into its own buffer. A collector that throws or misses the
/// deadline is reported failed and its partial samples are discarded; one that ignores cancellation is
/// abandoned (its late result is observed and dropped), so the round never waits past the deadline.
/// </summary>
public static class CollectorRunner
{
    /// <summary>Runs <paramref name="collector"/>; returns its outcome and, on success, its samples.</summary>
    public static async Task<(CollectorOutcome Outcome, BufferSink? Samples)> RunAsync(ICollector collector, TimeProvider time, CancellationToken deadline)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(time);
        var start = time.GetTimestamp();
        var buffer = new BufferSink();
        Task work;
        try
        {
            // Task.Run: a collector that blocks synchronously must not hold the round's thread.
            work = Task.Run(() => collector.CollectAsync(buffer, deadline), CancellationToken.None);
            await work.WaitAsync(deadline).ConfigureAwait(false);
            buffer.Seal();
            return (new CollectorOutcome(collector.Name, true, time.GetElapsedTime(start), null), buffer);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            buffer.Seal();
            return (new CollectorOutcome(collector.Name, false, time.GetElapsedTime(start), "deadline exceeded"), null);
        }
#pragma warning disable CA1031 // Failures are data: any collector exception becomes collector_success 0.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            buffer.Seal();
            return (new CollectorOutcome(collector.Name, false, time.GetElapsedTime(start), ex.GetType().Name + ": " + ex.Message), null);
        }
    }
}
