using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.LibvirtAccess;

/// <summary>
/// Fetches the libvirt statistics once per collection round for every collector that needs them
/// (single-flight: collectors of one round share one call; a call still in flight from an earlier round,
/// e.g. against a hung libvirtd, is joined instead of piling up a second one). Slow groups are fetched
/// every <see cref="ExporterOptions.SlowRefresh"/> and merged in between. Feeds the domain directory.
/// </summary>
public sealed class DomainStatsSource
{
    private readonly ILibvirtClient _client;
    private readonly ExporterOptions _options;
    private readonly DomainDescriptionCache _descriptions;
    private readonly DomainDirectory _directory;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<TypedParameter>> _slow = new(StringComparer.Ordinal);
    private DateTimeOffset _slowFetchedAt = DateTimeOffset.MinValue;
    private long _round = -1;
    private Task<DomainSnapshot>? _current;

    /// <summary>Creates the source.</summary>
    public DomainStatsSource(ILibvirtClient client, ExporterOptions options, DomainDescriptionCache descriptions, DomainDirectory directory, TimeProvider time)
    {
        _client = client;
        _options = options;
        _descriptions = descriptions;
        _directory = directory;
        _time = time;
        _client.DomainLifecycle += (_, e) =>
        {
            if (_options.Admits(e.Name, e.Uuid))
            {
                _directory.Apply(e);
            }
        };
    }

    /// <summary>Statistics rounds started (each is one libvirt statistics call, or one per chunk).</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    private long _fetches;

    /// <summary>The snapshot of the current round: started by the first caller of the round, shared by the others.</summary>
    public Task<DomainSnapshot> GetAsync(CancellationToken ct)
    {
        Task<DomainSnapshot> task;
        lock (_gate)
        {
            var round = ScrapeRound.Current;
            var reuse = _current is not null && ((round != 0 && round == _round) || !_current.IsCompleted);
            if (!reuse)
            {
                _round = round;

                // Not the caller's token: a hung libvirtd keeps this one call pending (joined by later rounds)
                // until libvirt's keepalive gives up or the hard limit expires.
                _current = FetchAsync();
            }

            task = _current!;
        }

        return task.WaitAsync(ct);
    }

    private async Task<DomainSnapshot> FetchAsync()
    {
        Interlocked.Increment(ref _fetches);
        using var cts = new CancellationTokenSource(_options.ScrapeTimeout * 3, _time);
        var started = _time.GetUtcNow();
        var slowGroups = _options.SlowGroups & _options.StatsGroups;
        var fastGroups = _options.StatsGroups & ~slowGroups;
        var slowDue = slowGroups != 0 && started - _slowFetchedAt >= _options.SlowRefresh;
        var slowTask = slowDue ? FetchFilteredAsync(slowGroups, cts.Token) : null;
        var fast = await FetchFilteredAsync(fastGroups == StatsGroups.None ? StatsGroups.State : fastGroups, cts.Token).ConfigureAwait(false);
        if (slowTask is not null)
        {
            try
            {
                var slow = await slowTask.ConfigureAwait(false);
                lock (_slow)
                {
                    _slow.Clear();
                    foreach (var d in slow)
                    {
                        _slow[d.Uuid] = d.Parameters;
                    }
                }

                _slowFetchedAt = started;
            }
            catch (LibvirtException)
            {
                // The slow groups keep their previous values; the failure is counted by the instrumented client.
            }
        }

        var domains = fast.Select(MergeSlow).ToArray();
        _directory.Update(domains);
        var descriptions = _options.IsEnabled("domain_info") || _options.IsEnabled("host") || _options.IsEnabled("domain")
            ? await _descriptions.GetAsync(domains, cts.Token).ConfigureAwait(false)
            : new Dictionary<string, DomainDescription>();
        return new DomainSnapshot(domains, descriptions, started);
    }

    /// <summary>
    /// Without filters: one bulk call. With filters: the cheap <c>state</c> group for every domain (about
    /// 0.01 ms each), then the requested groups only for the admitted ones, so a filtered exporter on a busy
    /// host does not pay for domains it does not export.
    /// </summary>
    private async Task<IReadOnlyList<DomainStats>> FetchFilteredAsync(StatsGroups groups, CancellationToken ct)
    {
        var filtered = _options.DomainInclude is not null || _options.DomainExclude is not null || _options.DomainUuids.Count > 0;
        if (!filtered)
        {
            return await _client.GetAllDomainStatsAsync(groups, ct).ConfigureAwait(false);
        }

        var all = await _client.GetAllDomainStatsAsync(StatsGroups.State, ct).ConfigureAwait(false);
        var admitted = all.Where(d => _options.Admits(d.Name, d.Uuid)).ToArray();
        if (admitted.Length == 0 || groups == StatsGroups.State)
        {
            return admitted;
        }

        var stats = await _client.GetDomainStatsAsync(admitted.Select(d => d.Uuid).ToArray(), groups, ct).ConfigureAwait(false);
        return stats.Where(d => _options.Admits(d.Name, d.Uuid)).ToArray();
    }

    private DomainStats MergeSlow(DomainStats d)
    {
        lock (_slow)
        {
            return _slow.TryGetValue(d.Uuid, out var extra) && extra.Count > 0
                ? d with { Parameters = d.Parameters.Concat(extra.Where(p => !p.Name.StartsWith("state.", StringComparison.Ordinal))).ToArray() }
                : d;
        }
    }
}
