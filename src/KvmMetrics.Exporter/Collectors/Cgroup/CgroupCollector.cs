using System.Globalization;
using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Parsing;
using KvmMetrics.Cgroups.Reading;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Collectors.Cgroup;

/// <summary>
/// Reads each running domain's cgroup v2 files and labels them with the domain's <c>uuid</c> and
/// <c>domain</c>. Scopes are cached by (uuid, id); files absent on this host emit nothing; present but
/// bad files are counted in <c>kvm_cgroup_file_errors_total{file}</c> (a counter kept across scrapes, so
/// a rare truncated read is still visible after the scrape that hit it) and in the per-scrape gauge
/// <c>kvm_cgroup_domain_file_errors{uuid,domain}</c> (which domain is affected now).
/// </summary>
public sealed class CgroupCollector : ICollector
{
    private static readonly IReadOnlyList<string> ErrorFiles =
        [.. CgroupFiles.All, ReadThreadLabel(ThreadGroupKind.Vcpu), ReadThreadLabel(ThreadGroupKind.Emulator), ReadThreadLabel(ThreadGroupKind.IoThread)];

    private readonly IDomainDirectory _domains;
    private readonly CgroupCollectorOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _fileErrors = new(StringComparer.Ordinal);
    private readonly BlockDeviceNames _devices;
    private ScopeCache? _cache;
    private DateTimeOffset _rootCheckedAt = DateTimeOffset.MinValue;
    private long _resolutionsBeforeCache;

    /// <summary>Creates the collector.</summary>
    public CgroupCollector(IDomainDirectory domains, CgroupCollectorOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _domains = domains;
        _options = options;
        _time = time;
        _devices = new BlockDeviceNames(options.Paths.SysRoot);
        foreach (var file in ErrorFiles)
        {
            _fileErrors[file] = 0;
        }
    }

    /// <inheritdoc />
    public string Name => "cgroup";

    /// <summary>The cgroup2 directory in use, or null when none was found (yet).</summary>
    public string? CgroupRoot { get; private set; }

    /// <inheritdoc />
    public async Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Collect(sink, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Collect(IMetricSink sink, CancellationToken cancellationToken)
    {
        var cache = CacheForThisScrape();
        var running = _domains.Running.Select(d => new DomainIdentity(d.Uuid, d.Name, d.Id)).ToList();
        foreach (var (domain, resolution) in cache.Update(running))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (resolution.Scope is not { } scope)
            {
                sink.Add(CgroupMetrics.Found, 0, domain.Uuid, domain.Name, resolution.Reason);
                continue;
            }

            var snapshot = ScopeReader.Read(scope);
            if (!snapshot.DirectoryExisted)
            {
                // The domain stopped between the directory listing and now: report it, look again next time.
                cache.Invalidate(domain);
                sink.Add(CgroupMetrics.Found, 0, domain.Uuid, domain.Name, "vanished");
                continue;
            }

            sink.Add(CgroupMetrics.Found, 1, domain.Uuid, domain.Name, string.Empty);
            sink.Add(CgroupMetrics.ScopeInfo, 1, domain.Uuid, domain.Name, scope.RelativePath, scope.LayoutLabel, scope.ResolvedBy);
            foreach (var problem in snapshot.Problems)
            {
                _fileErrors[problem.File] = _fileErrors.GetValueOrDefault(problem.File) + 1;
            }

            sink.Add(CgroupMetrics.DomainFileErrors, snapshot.Problems.Count, domain.Uuid, domain.Name);
            new DomainEmitter(sink, domain.Uuid, domain.Name, _devices).Emit(snapshot);
        }

        foreach (var (file, count) in _fileErrors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            sink.Add(CgroupMetrics.FileErrors, count, file);
        }

        sink.Add(CgroupMetrics.ScopeResolutions, _resolutionsBeforeCache + cache.Resolutions);
    }

    // The cgroup2 mount is discovered once; when there is none (yet), it is looked for again after the
    // retry interval, so an exporter started before the mount appears recovers without a restart.
    private ScopeCache CacheForThisScrape()
    {
        var now = _time.GetUtcNow();
        if (_cache is not null && (CgroupRoot is not null || now - _rootCheckedAt < _options.RetryInterval))
        {
            return _cache;
        }

        _rootCheckedAt = now;
        CgroupRoot = CgroupMount.Discover(_options.Paths, out _);
        _resolutionsBeforeCache += _cache?.Resolutions ?? 0;
        _cache = new ScopeCache(new ScopeResolver(_options.Paths, CgroupRoot), _time) { RetryInterval = _options.RetryInterval };
        return _cache;
    }

    private static string ReadThreadLabel(ThreadGroupKind kind) => ScopeReader.ThreadLabel(kind);

    /// <summary>Turns one snapshot into samples; keeps the label values in one place.</summary>
    private readonly struct DomainEmitter(IMetricSink sink, string uuid, string name, BlockDeviceNames devices)
    {
        public void Emit(ScopeSnapshot s)
        {
            EmitCpu(s);
            EmitThreads(s);
            EmitMemory(s);
            EmitIo(s);
            EmitPressure(s);
            Value(CgroupMetrics.PidsCurrent, s.PidsCurrent);
            Value(CgroupMetrics.PidsMax, s.PidsMax);
        }

        private void EmitCpu(ScopeSnapshot s)
        {
            if (s.CpuStat.IsOk)
            {
                var stat = s.CpuStat.Value;
                Micro(CgroupMetrics.CpuUsage, stat, "usage_usec");
                Micro(CgroupMetrics.CpuUser, stat, "user_usec");
                Micro(CgroupMetrics.CpuSystem, stat, "system_usec");
                Plain(CgroupMetrics.CpuPeriods, stat, "nr_periods");
                Plain(CgroupMetrics.CpuThrottledPeriods, stat, "nr_throttled");
                Micro(CgroupMetrics.CpuThrottled, stat, "throttled_usec");
                Plain(CgroupMetrics.CpuBursts, stat, "nr_bursts");
                Micro(CgroupMetrics.CpuBurst, stat, "burst_usec");
            }

            if (s.CpuMax.IsOk)
            {
                sink.Add(CgroupMetrics.CpuMaxQuota, s.CpuMax.Value.QuotaSeconds, uuid, name);
                sink.Add(CgroupMetrics.CpuMaxPeriod, s.CpuMax.Value.PeriodSeconds, uuid, name);
            }

            Value(CgroupMetrics.CpuWeight, s.CpuWeight);
        }

        private void EmitThreads(ScopeSnapshot s)
        {
            foreach (var thread in s.Threads)
            {
                if (!thread.CpuStat.IsOk)
                {
                    continue;
                }

                var stat = thread.CpuStat.Value;
                if (thread.Kind == ThreadGroupKind.Vcpu)
                {
                    var vcpu = thread.Index.ToString(CultureInfo.InvariantCulture);
                    Micro(CgroupMetrics.VcpuCpu, stat, "usage_usec", vcpu);
                    Micro(CgroupMetrics.VcpuThrottled, stat, "throttled_usec", vcpu);
                }
                else
                {
                    Micro(CgroupMetrics.OverheadCpu, stat, "usage_usec", thread.Name);
                }
            }
        }

        private void EmitMemory(ScopeSnapshot s)
        {
            Value(CgroupMetrics.MemoryCurrent, s.MemoryValues[CgroupFiles.MemoryCurrent]);
            Value(CgroupMetrics.MemoryPeak, s.MemoryValues[CgroupFiles.MemoryPeak]);
            Value(CgroupMetrics.MemoryMax, s.MemoryValues[CgroupFiles.MemoryMax]);
            Value(CgroupMetrics.MemoryHigh, s.MemoryValues[CgroupFiles.MemoryHigh]);
            Value(CgroupMetrics.MemoryLow, s.MemoryValues[CgroupFiles.MemoryLow]);
            Value(CgroupMetrics.MemoryMin, s.MemoryValues[CgroupFiles.MemoryMin]);
            Value(CgroupMetrics.SwapCurrent, s.MemoryValues[CgroupFiles.MemorySwapCurrent]);
            Value(CgroupMetrics.SwapMax, s.MemoryValues[CgroupFiles.MemorySwapMax]);
            if (s.MemoryStat.IsOk)
            {
                var stat = s.MemoryStat.Value;
                foreach (var kind in CgroupMetrics.MemoryStatByteKinds)
                {
                    Plain(CgroupMetrics.MemoryStat, stat, kind, kind);
                }

                Plain(CgroupMetrics.PageFaults, stat, "pgfault");
                Plain(CgroupMetrics.MajorPageFaults, stat, "pgmajfault");
                Plain(CgroupMetrics.WorkingsetRefaults, stat, "workingset_refault_anon", "anon");
                Plain(CgroupMetrics.WorkingsetRefaults, stat, "workingset_refault_file", "file");
                Plain(CgroupMetrics.PagesScanned, stat, "pgscan");
                Plain(CgroupMetrics.PagesReclaimed, stat, "pgsteal");
            }

            if (s.MemoryEvents.IsOk)
            {
                foreach (var (kind, value) in s.MemoryEvents.Value.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    sink.Add(CgroupMetrics.MemoryEvents, value, uuid, name, kind);
                }
            }
        }

        private void EmitIo(ScopeSnapshot s)
        {
            if (s.IoStat.IsOk)
            {
                foreach (var line in s.IoStat.Value)
                {
                    var device = devices.Resolve(line.Major, line.Minor);
                    Plain(CgroupMetrics.IoReadBytes, line.Values, "rbytes", device);
                    Plain(CgroupMetrics.IoWrittenBytes, line.Values, "wbytes", device);
                    Plain(CgroupMetrics.IoReads, line.Values, "rios", device);
                    Plain(CgroupMetrics.IoWrites, line.Values, "wios", device);
                    Plain(CgroupMetrics.IoDiscardedBytes, line.Values, "dbytes", device);
                    Plain(CgroupMetrics.IoDiscards, line.Values, "dios", device);
                }
            }

            if (s.IoMax.IsOk)
            {
                foreach (var line in s.IoMax.Value)
                {
                    var device = devices.Resolve(line.Major, line.Minor);
                    Plain(CgroupMetrics.IoMaxBytes, line.Values, "rbps", device, "read");
                    Plain(CgroupMetrics.IoMaxBytes, line.Values, "wbps", device, "write");
                    Plain(CgroupMetrics.IoMaxIops, line.Values, "riops", device, "read");
                    Plain(CgroupMetrics.IoMaxIops, line.Values, "wiops", device, "write");
                }
            }

            if (s.IoWeight.IsOk)
            {
                sink.Add(CgroupMetrics.IoWeight, s.IoWeight.Value.Default, uuid, name, "default");
                foreach (var (major, minor, weight) in s.IoWeight.Value.Devices)
                {
                    sink.Add(CgroupMetrics.IoWeight, weight, uuid, name, devices.Resolve(major, minor));
                }
            }
        }

        private void EmitPressure(ScopeSnapshot s)
        {
            Pressure(CgroupMetrics.CpuPressure, s.Pressure["cpu"]);
            Pressure(CgroupMetrics.MemoryPressure, s.Pressure["memory"]);
            Pressure(CgroupMetrics.IoPressure, s.Pressure["io"]);
        }

        private void Pressure(MetricDescriptor metric, ParseResult<PressureTotals> result)
        {
            if (!result.IsOk)
            {
                return;
            }

            sink.Add(metric, result.Value.SomeSeconds, uuid, name, "some");
            if (result.Value.FullSeconds is { } full)
            {
                sink.Add(metric, full, uuid, name, "full");
            }
        }

        private void Value(MetricDescriptor metric, ParseResult<double> result)
        {
            if (result.IsOk)
            {
                sink.Add(metric, result.Value, uuid, name);
            }
        }

        private void Micro(MetricDescriptor metric, IReadOnlyDictionary<string, double> values, string key, params string[] extra)
        {
            if (values.TryGetValue(key, out var v))
            {
                Add(metric, v / 1e6, extra);
            }
        }

        private void Plain(MetricDescriptor metric, IReadOnlyDictionary<string, double> values, string key, params string[] extra)
        {
            if (values.TryGetValue(key, out var v))
            {
                Add(metric, v, extra);
            }
        }

        private void Add(MetricDescriptor metric, double value, string[] extra)
        {
            switch (extra.Length)
            {
                case 0:
                    sink.Add(metric, value, uuid, name);
                    break;
                case 1:
                    sink.Add(metric, value, uuid, name, extra[0]);
                    break;
                default:
                    sink.Add(metric, value, [uuid, name, .. extra]);
                    break;
            }
        }
    }
}
