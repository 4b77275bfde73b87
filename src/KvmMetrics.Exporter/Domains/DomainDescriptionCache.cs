using System.Collections.Concurrent;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Domains;

/// <summary>
/// Parsed domain XML (disks, interfaces, Nova metadata) kept between scrapes: fetched when a domain is
/// first seen, when its id changes (it was restarted), or after a lifecycle/metadata event invalidated it;
/// never fetched per scrape otherwise. Entries of domains that disappeared are dropped.
/// </summary>
public sealed class DomainDescriptionCache
{
    private const int MaxParallelFetches = 4;
    private readonly ILibvirtClient _client;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _invalid = new(StringComparer.Ordinal);

    /// <summary>Creates the cache and subscribes to the client's lifecycle events.</summary>
    public DomainDescriptionCache(ILibvirtClient client)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _client.DomainLifecycle += (_, e) => Invalidate(e.Uuid);
        _client.ConnectionChanged += (_, e) =>
        {
            // After a reconnect the domains may have been redefined while we were away.
            if (e.Connected)
            {
                foreach (var key in _entries.Keys)
                {
                    Invalidate(key);
                }
            }
        };
    }

    /// <summary>XML fetches made so far (for tests: proves the XML is not fetched per scrape).</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    private long _fetches;

    /// <summary>Marks a domain's description stale (lifecycle or metadata event).</summary>
    public void Invalidate(string uuid) => _invalid[uuid] = 0;

    /// <summary>Returns descriptions for <paramref name="domains"/>, fetching only the missing or stale ones.
    /// A domain whose XML cannot be read is absent from the result (its previous description is kept when it had one).</summary>
    public async Task<IReadOnlyDictionary<string, DomainDescription>> GetAsync(IReadOnlyList<DomainStats> domains, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var stale = domains.Where(d => !_entries.TryGetValue(d.Uuid, out var e) || e.Id != d.Id || _invalid.ContainsKey(d.Uuid)).ToArray();
        if (stale.Length > 0)
        {
            await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelFetches, CancellationToken = ct }, async (d, token) =>
            {
                _invalid.TryRemove(d.Uuid, out _);
                try
                {
                    Interlocked.Increment(ref _fetches);
                    var description = await _client.GetDomainDescriptionAsync(d.Uuid, token).ConfigureAwait(false);
                    _entries[d.Uuid] = new Entry(d.Id, description);
                }
                catch (LibvirtException)
                {
                    // Destroyed or undefined mid-scrape: retry next round; counted by the instrumented client.
                    _invalid[d.Uuid] = 0;
                }
            }).ConfigureAwait(false);
        }

        var present = new HashSet<string>(domains.Select(d => d.Uuid), StringComparer.Ordinal);
        foreach (var key in _entries.Keys)
        {
            if (!present.Contains(key))
            {
                _entries.TryRemove(key, out _);
            }
        }

        var result = new Dictionary<string, DomainDescription>(StringComparer.Ordinal);
        foreach (var d in domains)
        {
            if (_entries.TryGetValue(d.Uuid, out var e))
            {
                result[d.Uuid] = e.Description;
            }
        }

        return result;
    }

    private sealed record Entry(int Id, DomainDescription Description);
}
