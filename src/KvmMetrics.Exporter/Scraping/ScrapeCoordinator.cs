using System.Collections.Concurrent;
using KvmMetrics.Exporter.Collectors;
using KvmMetrics.Exposition;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Scraping;

/// <summary>
/// Runs collection rounds: every enabled collector in parallel under one deadline, each wrapped by
/// <see cref="CollectorRunner"/>, then the self-metrics. Single-flight: concurrent scrapes share the round
/// in flight instead of starting another, so scrapes never pile up on libvirt. With a background
/// interval (<see cref="Options.ExporterOptions.CollectionInterval"/>) a scrape is answered from the newest
/// snapshot when that round started at most one interval ago.
/// </summary>
public sealed partial class ScrapeCoordinator
{
    private readonly IReadOnlyList<ICollector> _collectors;
    private readonly IReadOnlyList<Action<IMetricSink>> _selfWriters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, long> _scrapes = new(StringComparer.Ordinal);
    private Task<ScrapeResult>? _inflight;
    private ScrapeResult? _latest;
    private long _rounds;
    private long _duplicates;

    // UTC ticks of the last scrape request, 0 = none. DateTimeOffset is 16 bytes and is not written atomically, so the
    // background loop could read half of an update; one 64-bit field read with Interlocked cannot tear.
    private long _lastScrapeTicks;

    /// <summary>Creates a coordinator.</summary>
    /// <param name="collectors">The enabled collectors (names must be unique).</param>
    /// <param name="selfWriters">Writers of extra self-metrics (e.g. libvirt call accounting), run after the collectors.</param>
    /// <param name="collectionInterval">Background interval, or zero for collect-on-scrape.</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    public ScrapeCoordinator(IReadOnlyList<ICollector> collectors, IReadOnlyList<Action<IMetricSink>> selfWriters, TimeSpan collectionInterval, TimeProvider time, ILogger logger)
    {
        _collectors = collectors;
        _selfWriters = selfWriters;
        _interval = collectionInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Rounds run so far.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>The newest completed round, or null.</summary>
    public ScrapeResult? Latest => Volatile.Read(ref _latest);

    /// <summary>When the most recent scrape request arrived (for aligning background rounds), or null.</summary>
    public DateTimeOffset? LastScrapeAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastScrapeTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Answers a scrape: a fresh-enough background snapshot, the round in flight, or a new round whose
    /// collectors get <paramref name="deadline"/>.
    /// </summary>
    public async Task<ScrapeResult> ScrapeAsync(TimeSpan deadline, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref _lastScrapeTicks, now.UtcTicks);
        if (_interval > TimeSpan.Zero && Latest is { } latest && now - latest.StartedAt <= _interval)
        {
            _scrapes.AddOrUpdate("cached", 1, (_, n) => n + 1);
            return latest;
        }

        var (task, joined) = StartOrJoin(deadline);
        _scrapes.AddOrUpdate(joined ? "joined" : "round", 1, (_, n) => n + 1);

        // A joined round may have a longer deadline than this request: never wait past our own.
        try
        {
            return await task.WaitAsync(deadline + Grace, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The round overran (a loaded host can delay even the deadline handling): answer now with a page that
            // says so rather than an HTTP error, so the scrape still carries up/success series and alerts can fire.
            _scrapes.AddOrUpdate("overrun", 1, (_, n) => n + 1);
            return Overrun(now, deadline + Grace);
        }
    }

    // How long past its deadline a scrape waits for the round's page to be assembled.
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(250);

    private ScrapeResult Overrun(DateTimeOffset startedAt, TimeSpan waited)
    {
        var outcomes = _collectors
            .Select(c => new CollectorOutcome(c.Name, false, waited, "the collection round overran the scrape deadline"))
            .ToArray();
        var page = new MetricSetBuilder();
        AddSelfMetrics(page, outcomes, startedAt, waited);
        page.Add(ExporterSelfMetrics.DuplicatesDropped, Interlocked.Read(ref _duplicates));
        return new ScrapeResult(page.Build(), startedAt, waited, outcomes);
    }

    /// <summary>Runs (or joins) a round now, for the background loop.</summary>
    public Task<ScrapeResult> CollectAsync(TimeSpan deadline) => StartOrJoin(deadline).Task;

    private (Task<ScrapeResult> Task, bool Joined) StartOrJoin(TimeSpan deadline)
    {
        lock (_gate)
        {
            if (_inflight is { IsCompleted: false } running)
            {
                return (running, true);
            }

            // Task.Run isolates the round's AsyncLocal (ScrapeRound) from the caller's flow.
            _inflight = Task.Run(() => RunRoundAsync(deadline));
            return (_inflight, false);
        }
    }

    private async Task<ScrapeResult> RunRoundAsync(TimeSpan deadline)
    {
        ScrapeRound.Begin();
        Interlocked.Increment(ref _rounds);
        var startedAt = _time.GetUtcNow();
        var start = _time.GetTimestamp();
        using var cts = new CancellationTokenSource(deadline, _time);
        var runs = _collectors.Select(c => CollectorRunner.RunAsync(c, _time, cts.Token)).ToArray();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        var duration = _time.GetElapsedTime(start);

        var page = new MetricSetBuilder();
        var outcomes = new List<CollectorOutcome>(results.Length);
        foreach (var (outcome, samples) in results)
        {
            outcomes.Add(outcome);
            if (!outcome.Success)
            {
                LogCollectorFailed(_logger, outcome.Collector, outcome.Duration.TotalSeconds, outcome.Error ?? "unknown");
            }

            samples?.ReplayInto(page);
        }

        AddSelfMetrics(page, outcomes, startedAt, duration);

        // Duplicates (inside a collector or between collectors) are known once every sample is on the merged page,
        // so this round's page already includes its own.
        var dropped = Interlocked.Add(ref _duplicates, page.Dropped);
        page.Add(ExporterSelfMetrics.DuplicatesDropped, dropped);
        var built = page.Build();
        var result = new ScrapeResult(built, startedAt, duration, outcomes);
        Volatile.Write(ref _latest, result);
        return result;
    }

    private void AddSelfMetrics(MetricSetBuilder page, IReadOnlyList<CollectorOutcome> outcomes, DateTimeOffset startedAt, TimeSpan duration)
    {
        foreach (var outcome in outcomes)
        {
            page.Add(ExporterSelfMetrics.CollectorSuccess, outcome.Success ? 1 : 0, outcome.Collector);
            page.Add(ExporterSelfMetrics.CollectorDuration, outcome.Duration.TotalSeconds, outcome.Collector);
        }

        foreach (var writer in _selfWriters)
        {
            writer(page);
        }

        page.Add(ExporterSelfMetrics.BuildInfo, 1, ExporterSelfMetrics.Version, Environment.Version.ToString());
        page.Add(ExporterSelfMetrics.Rounds, Rounds);
        foreach (var (source, n) in _scrapes)
        {
            page.Add(ExporterSelfMetrics.Scrapes, n, source);
        }

        page.Add(ExporterSelfMetrics.CollectionStart, startedAt.ToUnixTimeMilliseconds() / 1000.0);
        page.Add(ExporterSelfMetrics.CollectionDuration, duration.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "collector {Collector} failed after {Seconds:0.000} s: {Error}")]
    private static partial void LogCollectorFailed(ILogger logger, string collector, double seconds, string error);
}
