using KvmMetrics.Exporter.Hosting;

namespace KvmMetrics.Exporter.Tests.Hosting;

public sealed class BackgroundCollectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NextStart_WithoutScrapes_IsOneIntervalLater()
    {
        Assert.Equal(T0.AddSeconds(15), BackgroundCollection.NextStart(T0, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void NextStart_WithScrapes_FinishesJustBeforeTheNextExpectedScrape()
    {
        // scraped at T0, round takes 400 ms: start at T0 + 15 s - 400 ms - 100 ms margin.
        var next = BackgroundCollection.NextStart(T0.AddSeconds(1), T0, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(15));
        Assert.Equal(T0.AddSeconds(15).AddMilliseconds(-500), next);
    }

    [Fact]
    public void NextStart_WhenTheTargetPassed_MovesToTheFollowingScrape()
    {
        var next = BackgroundCollection.NextStart(T0.AddSeconds(20), T0, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(15));
        Assert.Equal(T0.AddSeconds(30).AddMilliseconds(-500), next);
    }

    [Fact]
    public void NextStart_ScrapesStopped_FallsBackToPlainInterval()
    {
        var now = T0.AddMinutes(5);
        Assert.Equal(now.AddSeconds(15), BackgroundCollection.NextStart(now, T0, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(15)));
    }
}
