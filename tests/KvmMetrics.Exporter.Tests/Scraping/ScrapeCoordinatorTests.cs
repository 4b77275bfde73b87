using KvmMetrics.Exporter.Collectors;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Exposition;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Exporter.Tests.Scraping;

// These tests measure real deadlines of a few hundred milliseconds: run alone, not beside the guest-spinning
// integration classes of this assembly, which starve the thread pool on 2 cores.
[Collection(TimingSensitive.Name)]
public sealed class ScrapeCoordinatorTests
{
    private static readonly MetricDescriptor Sample = new("test_value", MetricType.Gauge, "A test value.", "source");

    private sealed class LambdaCollector(string name, Func<IMetricSink, CancellationToken, Task> body) : ICollector
    {
        public string Name => name;

        public Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken) => body(sink, cancellationToken);
    }

    private static ScrapeCoordinator Coordinator(TimeSpan interval = default, params ICollector[] collectors) =>
        new(collectors, [], interval, TimeProvider.System, NullLogger.Instance);

    private static double Value(MetricSet set, string name, string label) =>
        set.Find(name)!.Samples.Single(s => s.LabelValues.Contains(label)).Value;

    [Fact]
    public async Task Scrape_FailingCollector_IsReportedFailedAndOthersStillServed()
    {
        var ok = new LambdaCollector("ok", (s, _) => { s.Add(Sample, 1, "ok"); return Task.CompletedTask; });
        var bad = new LambdaCollector("bad", (s, _) => { s.Add(Sample, 2, "bad"); throw new InvalidOperationException("boom"); });
        var result = await Coordinator(default, ok, bad).ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(1, Value(result.Metrics, "kvm_exporter_collector_success", "ok"));
        Assert.Equal(0, Value(result.Metrics, "kvm_exporter_collector_success", "bad"));
        var sample = Assert.Single(result.Metrics.Find("test_value")!.Samples); // the failed collector's partial sample is discarded
        Assert.Equal("ok", sample.LabelValues[0]);
        Assert.Contains("boom", result.Outcomes.Single(o => o.Collector == "bad").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_RoundOverrunsDeadline_AnswersWithAFailurePageInsteadOfAnError()
    {
        // The page assembly itself stalls (here a self-writer blocks; in production a starved host): the scrape must
        // still get a valid page that says every collector failed, not an exception that becomes HTTP 503.
        using var release = new ManualResetEventSlim();
        var calls = 0;
        var ok = new LambdaCollector("ok", (s, _) => { s.Add(Sample, 1, "ok"); return Task.CompletedTask; });

        // Only the round's call blocks; the overrun page runs the self-writers again and must not.
        Action<IMetricSink> stallsOnce = _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                release.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var coordinator = new ScrapeCoordinator([ok], [stallsOnce], TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);
        try
        {
            var result = await coordinator.ScrapeAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(0, Value(result.Metrics, "kvm_exporter_collector_success", "ok"));
            Assert.Null(result.Metrics.Find("test_value")); // nothing from the unfinished round
            Assert.Equal(1, Value(result.Metrics, "kvm_exporter_scrapes_total", "overrun"));
            Assert.Contains("overran", result.Outcomes.Single().Error, StringComparison.Ordinal);
            Assert.False(result.Outcomes.Single().Success);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task Scrape_CollectorMissingDeadline_IsFailedAndPageReturnsAtDeadline()
    {
        var hang = new TaskCompletionSource();
        var slow = new LambdaCollector("slow", (_, _) => hang.Task); // ignores cancellation on purpose
        var fast = new LambdaCollector("fast", (s, _) => { s.Add(Sample, 1, "fast"); return Task.CompletedTask; });
        try
        {
            var result = await Coordinator(default, slow, fast).ScrapeAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, Value(result.Metrics, "kvm_exporter_collector_success", "slow"));
            Assert.Equal(1, Value(result.Metrics, "kvm_exporter_collector_success", "fast"));
            Assert.Equal("deadline exceeded", result.Outcomes.Single(o => o.Collector == "slow").Error);
            var slowSeconds = Value(result.Metrics, "kvm_exporter_collector_duration_seconds", "slow");
            Assert.True(slowSeconds >= 0.2, "slow collector duration " + slowSeconds);
        }
        finally
        {
            hang.SetResult();
        }
    }

    [Fact]
    public async Task Scrape_ConcurrentRequests_CoalesceIntoOneRound()
    {
        var calls = 0;
        var release = new TaskCompletionSource();
        var collector = new LambdaCollector("c", async (s, ct) =>
        {
            Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(ct);
            s.Add(Sample, 1, "c");
        });
        var coordinator = Coordinator(default, collector);
        var scrapes = Enumerable.Range(0, 10).Select(_ => coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None)).ToArray();
        await Task.Delay(200);
        release.SetResult();
        var results = await Task.WhenAll(scrapes);

        Assert.Equal(1, calls);
        Assert.Equal(1, coordinator.Rounds);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task Scrape_AfterRoundCompleted_RunsANewRound()
    {
        var calls = 0;
        var collector = new LambdaCollector("c", (s, _) => { s.Add(Sample, Interlocked.Increment(ref calls), "c"); return Task.CompletedTask; });
        var coordinator = Coordinator(default, collector);
        await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var second = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(2, calls);
        Assert.Equal(2, Value(second.Metrics, "test_value", "c"));
    }

    [Fact]
    public async Task Scrape_WithBackgroundInterval_ServesSnapshotYoungerThanInterval()
    {
        var calls = 0;
        var collector = new LambdaCollector("c", (s, _) => { s.Add(Sample, Interlocked.Increment(ref calls), "c"); return Task.CompletedTask; });
        var coordinator = Coordinator(TimeSpan.FromSeconds(1), collector);
        await coordinator.CollectAsync(TimeSpan.FromSeconds(5));
        var cached = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(1, calls);
        Assert.Equal(1, Value(cached.Metrics, "test_value", "c"));

        await Task.Delay(1200); // older than the interval: must not be served
        var fresh = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(2, calls);
        Assert.True(DateTimeOffset.UtcNow - fresh.StartedAt < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Scrape_DuplicateSeriesInACollector_AreDroppedAndCounted()
    {
        var collector = new LambdaCollector("dup", (s, _) => { s.Add(Sample, 1, "x"); s.Add(Sample, 2, "x"); return Task.CompletedTask; });
        var result = await Coordinator(default, collector).ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Single(result.Metrics.Find("test_value")!.Samples);
        Assert.Equal(1, result.Metrics.Find("kvm_exporter_duplicate_series_dropped_total")!.Samples.Single().Value);
    }

    [Fact]
    public async Task LastScrapeAt_BeforeAndAfterAScrape_IsNullThenTheRequestTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 2, 3, TimeSpan.Zero));
        var coordinator = new ScrapeCoordinator([], [], TimeSpan.Zero, clock, NullLogger.Instance);
        Assert.Null(coordinator.LastScrapeAt);
        await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 1, 2, 3, TimeSpan.Zero), coordinator.LastScrapeAt);
    }

    /// <summary>A clock that alternates between two instants on every reading (FakeTimeProvider cannot go back).</summary>
    private sealed class FlipClock(DateTimeOffset a, DateTimeOffset b) : TimeProvider
    {
        private long _reads;

        public override DateTimeOffset GetUtcNow() => Interlocked.Increment(ref _reads) % 2 == 0 ? a : b;
    }

    [Fact]
    public async Task LastScrapeAt_ReadWhileScrapesWriteIt_IsAlwaysOneOfTheWrittenTimes()
    {
        // Two request times whose ticks and offsets both differ: a torn 16-byte DateTimeOffset read would mix the
        // ticks of one with the offset of the other and name a third instant.
        var early = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var late = new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.FromHours(14));
        var coordinator = new ScrapeCoordinator([], [], TimeSpan.FromDays(365_000), new FlipClock(early, late), NullLogger.Instance);
        await coordinator.CollectAsync(TimeSpan.FromSeconds(5)); // later scrapes are answered from this snapshot
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            }
        });
        var reads = 0;
        while (!writer.IsCompleted)
        {
            var seen = coordinator.LastScrapeAt;
            Assert.True(seen is null || seen == early || seen == late, $"torn read: {seen:O}");
            reads++;
        }

        await writer;
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task Scrape_Always_EmitsBuildInfo()
    {
        var result = await Coordinator(default).ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var info = Assert.Single(result.Metrics.Find("kvm_exporter_build_info")!.Samples);
        Assert.Equal(ExporterSelfMetrics.Version, info.LabelValues[0]);
    }
}

/// <summary>A collection that xunit runs with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "TimingSensitive";
}
