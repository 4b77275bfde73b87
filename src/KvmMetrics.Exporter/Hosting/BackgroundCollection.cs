using KvmMetrics.Exporter.Scraping;
using Microsoft.Extensions.Hosting;

namespace KvmMetrics.Exporter.Hosting;

/// <summary>
/// With <c>--collection.interval</c>, runs a round every interval, aligned to the scrapes: once scrapes
/// arrive, the next round is started so that it finishes just before the next expected scrape (the last
/// scrape time plus the interval, minus the last round's duration and a small margin). A snapshot is only
/// served while it is younger than the interval, so no served sample is older than one interval.
/// </summary>
public sealed partial class BackgroundCollection(ScrapeCoordinator coordinator, TimeSpan interval, TimeSpan deadline, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(100);

    /// <summary>When the next round should start, given the last scrape and the last round's duration.</summary>
    public static DateTimeOffset NextStart(DateTimeOffset now, DateTimeOffset? lastScrape, TimeSpan lastDuration, TimeSpan interval)
    {
        if (lastScrape is null || now - lastScrape.Value > interval * 3)
        {
            return now + interval; // nobody scrapes (or stopped): keep a fresh snapshot without alignment
        }

        var lead = lastDuration + Margin;
        if (lead >= interval)
        {
            lead = TimeSpan.Zero;
        }

        var target = lastScrape.Value + interval - lead;
        while (target <= now)
        {
            target += interval;
        }

        return target;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var result = await coordinator.CollectAsync(deadline).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var next = NextStart(now, coordinator.LastScrapeAt, result.Duration, interval);
            try
            {
                await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
