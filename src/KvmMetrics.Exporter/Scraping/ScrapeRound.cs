namespace KvmMetrics.Exporter.Scraping;

/// <summary>
/// The identity of the collection round the current code runs in (flows with async calls), so sources
/// shared by several collectors (the libvirt statistics call) are fetched once per round.
/// </summary>
public static class ScrapeRound
{
    private static readonly AsyncLocal<long> CurrentRound = new();
    private static long _next;

    /// <summary>The current round id, 0 outside a round.</summary>
    public static long Current => CurrentRound.Value;

    /// <summary>Starts a new round for the calling async flow and returns its id.</summary>
    public static long Begin()
    {
        var id = Interlocked.Increment(ref _next);
        CurrentRound.Value = id;
        return id;
    }
}
