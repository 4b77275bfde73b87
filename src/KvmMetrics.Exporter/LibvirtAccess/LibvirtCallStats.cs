using System.Collections.Concurrent;
using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.LibvirtAccess;

/// <summary>
/// Cumulative accounting of libvirt calls made by the exporter (the only state that outlives a scrape,
/// because counters must be cumulative): calls, time spent, errors by libvirt error code, and the
/// outcome of the latest statistics call (<c>kvm_libvirt_up</c>).
/// </summary>
public sealed class LibvirtCallStats
{
    /// <summary><c>kvm_libvirt_up</c>.</summary>
    public static readonly MetricDescriptor Up = new("kvm_libvirt_up", MetricType.Gauge,
        "1 when the latest libvirt statistics call succeeded within the scrape deadline, 0 when libvirt was unreachable, failed or hung.");

    /// <summary><c>kvm_libvirt_calls_total</c>.</summary>
    public static readonly MetricDescriptor Calls = new("kvm_libvirt_calls_total", MetricType.Counter,
        "libvirt API calls made by the exporter, by call.", "call");

    /// <summary><c>kvm_libvirt_call_duration_seconds_total</c>.</summary>
    public static readonly MetricDescriptor Duration = new("kvm_libvirt_call_duration_seconds_total", MetricType.Counter,
        "Time spent waiting for libvirt API calls, by call; divide its rate by kvm_libvirt_calls_total's for the mean latency.", "call");

    /// <summary><c>kvm_libvirt_last_call_duration_seconds</c>.</summary>
    public static readonly MetricDescriptor LastDuration = new("kvm_libvirt_last_call_duration_seconds", MetricType.Gauge,
        "Duration of the most recent libvirt API call, by call.", "call");

    /// <summary><c>kvm_libvirt_errors_total</c>.</summary>
    public static readonly MetricDescriptor Errors = new("kvm_libvirt_errors_total", MetricType.Counter,
        "Failed libvirt API calls, by call and libvirt error code (virErrorNumber name; 'timeout' when the scrape deadline expired first).", "call", "code");

    private readonly ConcurrentDictionary<string, CallCounters> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Call, string Code), long> _errors = new();
    private volatile int _up = -1;
    private int _pendingStatsCalls;

    /// <summary>Families emitted by <see cref="WriteTo"/>.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors => [Up, Calls, Duration, LastDuration, Errors];

    /// <summary>True when the latest statistics call succeeded; null before the first one.</summary>
    public bool? IsUp => _up < 0 ? null : _up == 1;

    /// <summary>Records a finished call.</summary>
    public void Record(string call, TimeSpan duration, string? errorCode)
    {
        var c = _calls.GetOrAdd(call, _ => new CallCounters());
        lock (c)
        {
            c.Count++;
            c.Seconds += duration.TotalSeconds;
            c.Last = duration.TotalSeconds;
        }

        if (errorCode is not null)
        {
            _errors.AddOrUpdate((call, errorCode), 1, (_, n) => n + 1);
        }
    }

    /// <summary>Statistics calls still waiting for libvirt; one pending after a round's deadline means libvirtd hangs.</summary>
    public int PendingStatsCalls => Volatile.Read(ref _pendingStatsCalls);

    /// <summary>Marks a statistics call as started.</summary>
    public void StatsCallStarted() => Interlocked.Increment(ref _pendingStatsCalls);

    /// <summary>Marks a statistics call as finished (whatever its outcome).</summary>
    public void StatsCallEnded() => Interlocked.Decrement(ref _pendingStatsCalls);

    /// <summary>Records the outcome of a statistics call (drives <c>kvm_libvirt_up</c>).</summary>
    public void SetUp(bool up) => _up = up ? 1 : 0;

    /// <summary>Writes the self-metrics.</summary>
    public void WriteTo(IMetricSink sink, bool connectedFallback)
    {
        // A statistics call still pending when the round's self-metrics are written missed the deadline: down.
        sink.Add(Up, (IsUp ?? connectedFallback) && PendingStatsCalls == 0 ? 1 : 0);
        foreach (var (call, c) in _calls)
        {
            lock (c)
            {
                sink.Add(Calls, c.Count, call);
                sink.Add(Duration, c.Seconds, call);
                sink.Add(LastDuration, c.Last, call);
            }
        }

        foreach (var ((call, code), n) in _errors)
        {
            sink.Add(Errors, n, call, code);
        }
    }

    private sealed class CallCounters
    {
        public long Count { get; set; }

        public double Seconds { get; set; }

        public double Last { get; set; }
    }
}
