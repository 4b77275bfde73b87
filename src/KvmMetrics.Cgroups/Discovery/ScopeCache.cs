namespace KvmMetrics.Cgroups.Discovery;

/// <summary>
/// Remembers where each running domain's cgroup is, keyed by (uuid, id): a restarted domain gets a new
/// id and so a new lookup, a stopped one is forgotten on the next <see cref="Update"/>. Found scopes are
/// kept until their directory disappears; misses are retried after <see cref="RetryInterval"/> so a
/// domain that is still starting is picked up without a search on every scrape. Not thread-safe: one
/// collector owns one cache and serialises its scrapes.
/// </summary>
public sealed class ScopeCache(ScopeResolver resolver, TimeProvider time)
{
    private readonly Dictionary<(string Uuid, int Id), Entry> _entries = [];

    /// <summary>How long a miss is remembered before the domain is looked up again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Number of resolutions performed (a test and self-metric hook: cache hits do not count).</summary>
    public long Resolutions { get; private set; }

    /// <summary>
    /// Returns the resolution for every domain in <paramref name="running"/>, in the same order,
    /// resolving only new domains, changed ids, vanished scopes and misses older than the retry interval.
    /// </summary>
    public IReadOnlyList<(DomainIdentity Domain, ScopeResolution Resolution)> Update(IReadOnlyList<DomainIdentity> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var now = time.GetUtcNow();
        var live = new HashSet<(string, int)>();
        var result = new List<(DomainIdentity, ScopeResolution)>(running.Count);
        foreach (var domain in running)
        {
            var key = (domain.Uuid, domain.Id);
            live.Add(key);
            if (!_entries.TryGetValue(key, out var entry) || entry.Domain.Name != domain.Name || Stale(entry, now))
            {
                entry = new Entry(domain, resolver.Resolve(domain), now);
                Resolutions++;
                _entries[key] = entry;
            }

            result.Add((domain, entry.Resolution));
        }

        foreach (var key in _entries.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _entries.Remove(key);
        }

        return result;
    }

    /// <summary>Forgets one domain's scope (its directory vanished mid-read) so the next update looks again.</summary>
    public void Invalidate(DomainIdentity domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        _entries.Remove((domain.Uuid, domain.Id));
    }

    private bool Stale(Entry entry, DateTimeOffset now) => entry.Resolution.Scope is { } scope
        ? !Directory.Exists(scope.DomainPath)
        : now - entry.ResolvedAt >= RetryInterval;

    private sealed record Entry(DomainIdentity Domain, ScopeResolution Resolution, DateTimeOffset ResolvedAt);
}
