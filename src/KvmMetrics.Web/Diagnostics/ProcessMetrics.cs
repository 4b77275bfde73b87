using System.Globalization;
using KvmMetrics.Exposition;

namespace KvmMetrics.Web.Diagnostics;

/// <summary>
/// The process's own resource use, in the names Prometheus client libraries use (<c>process_*</c>) plus the
/// .NET runtime's (<c>dotnet_*</c>), so an operator can alert on a leak in RSS, file descriptors, threads or GC
/// heap without a second agent. Read from <c>/proc/self</c> (Linux); a field that cannot be read is left out,
/// never guessed.
/// </summary>
public static class ProcessMetrics
{
    /// <summary><c>process_cpu_seconds_total</c>.</summary>
    public static readonly MetricDescriptor CpuSeconds = new("process_cpu_seconds_total", MetricType.Counter,
        "User and system CPU time spent by this process (/proc/self/stat utime + stime).");

    /// <summary><c>process_resident_memory_bytes</c>.</summary>
    public static readonly MetricDescriptor Resident = new("process_resident_memory_bytes", MetricType.Gauge,
        "Resident set size of this process (/proc/self/status VmRSS).");

    /// <summary><c>process_virtual_memory_bytes</c>.</summary>
    public static readonly MetricDescriptor Virtual = new("process_virtual_memory_bytes", MetricType.Gauge,
        "Virtual memory size of this process (/proc/self/status VmSize).");

    /// <summary><c>process_open_fds</c>.</summary>
    public static readonly MetricDescriptor OpenFds = new("process_open_fds", MetricType.Gauge,
        "Open file descriptors of this process (entries of /proc/self/fd).");

    /// <summary><c>process_max_fds</c>.</summary>
    public static readonly MetricDescriptor MaxFds = new("process_max_fds", MetricType.Gauge,
        "Soft limit on open file descriptors (/proc/self/limits, Max open files).");

    /// <summary><c>process_threads</c>.</summary>
    public static readonly MetricDescriptor Threads = new("process_threads", MetricType.Gauge,
        "OS threads of this process (/proc/self/status Threads).");

    /// <summary><c>process_start_time_seconds</c>.</summary>
    public static readonly MetricDescriptor StartTime = new("process_start_time_seconds", MetricType.Gauge,
        "Start time of this process since the Unix epoch.");

    /// <summary><c>dotnet_gc_heap_size_bytes</c>.</summary>
    public static readonly MetricDescriptor GcHeap = new("dotnet_gc_heap_size_bytes", MetricType.Gauge,
        "Managed heap size after the last garbage collection (GC.GetGCMemoryInfo().HeapSizeBytes).");

    /// <summary><c>dotnet_gc_committed_bytes</c>.</summary>
    /// <remarks>What the managed heap holds in RSS: the heap size after a collection leaves out the allocation budget
    /// and free regions the GC keeps committed, which is most of the sawtooth an operator sees in RSS.</remarks>
    public static readonly MetricDescriptor GcCommitted = new("dotnet_gc_committed_bytes", MetricType.Gauge,
        "Memory committed by the garbage collector for the managed heap (GC.GetGCMemoryInfo().TotalCommittedBytes).");

    /// <summary><c>dotnet_gc_allocated_bytes_total</c>.</summary>
    public static readonly MetricDescriptor GcAllocated = new("dotnet_gc_allocated_bytes_total", MetricType.Counter,
        "Bytes allocated on the managed heap since the process started (GC.GetTotalAllocatedBytes).");

    /// <summary><c>dotnet_gc_collections_total</c>.</summary>
    public static readonly MetricDescriptor GcCollections = new("dotnet_gc_collections_total", MetricType.Counter,
        "Garbage collections since the process started, by generation (GC.CollectionCount).", "generation");

    /// <summary>Every family <see cref="Write"/> can emit.</summary>
    public static IReadOnlyList<MetricDescriptor> Descriptors { get; } =
        [CpuSeconds, Resident, Virtual, OpenFds, MaxFds, Threads, StartTime, GcHeap, GcCommitted, GcAllocated, GcCollections];

    private static readonly double StartSeconds = StartTimeSeconds();

    /// <summary>Adds the samples of this process to <paramref name="sink"/>; <paramref name="procSelf"/> is for tests.</summary>
    public static void Write(IMetricSink sink, string procSelf = "/proc/self")
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (TryRead(Path.Combine(procSelf, "stat")) is { } stat && ParseCpuSeconds(stat, ClockTicks) is { } cpu)
        {
            sink.Add(CpuSeconds, cpu);
        }

        if (TryRead(Path.Combine(procSelf, "status")) is { } status)
        {
            AddStatusField(sink, Resident, status, "VmRSS:", 1024);
            AddStatusField(sink, Virtual, status, "VmSize:", 1024);
            AddStatusField(sink, Threads, status, "Threads:", 1);
        }

        try
        {
            sink.Add(OpenFds, Directory.EnumerateFileSystemEntries(Path.Combine(procSelf, "fd")).Count());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left out: an absent sample is honest, a zero would not be.
        }

        if (TryRead(Path.Combine(procSelf, "limits")) is { } limits && ParseMaxOpenFiles(limits) is { } max)
        {
            sink.Add(MaxFds, max);
        }

        sink.Add(StartTime, StartSeconds);
        var gc = GC.GetGCMemoryInfo();
        sink.Add(GcHeap, gc.HeapSizeBytes);
        sink.Add(GcCommitted, gc.TotalCommittedBytes);
        sink.Add(GcAllocated, GC.GetTotalAllocatedBytes());
        for (var g = 0; g <= GC.MaxGeneration; g++)
        {
            sink.Add(GcCollections, GC.CollectionCount(g), g.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>utime + stime (fields 14 and 15 of /proc/PID/stat) in seconds, or null when malformed.</summary>
    /// <remarks>The command name (field 2) may contain spaces and parentheses, so fields are counted after the last ')'.</remarks>
    public static double? ParseCpuSeconds(string stat, long ticksPerSecond)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        if (close < 0 || ticksPerSecond <= 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // After ')' the fields start at field 3 (state): utime is field 14 → index 11, stime index 12.
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime))
        {
            return null;
        }

        return (utime + stime) / (double)ticksPerSecond;
    }

    /// <summary>The soft "Max open files" limit from /proc/PID/limits, or null ("unlimited" or malformed).</summary>
    public static double? ParseMaxOpenFiles(string limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var line in limits.Split('\n'))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
            }
        }

        return null;
    }

    /// <summary>A "Key:  value [kB]" field of /proc/PID/status times <paramref name="unit"/>, or null.</summary>
    public static double? ParseStatusField(string status, string key, double unit)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var parts = line[key.Length..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v * unit : null;
            }
        }

        return null;
    }

    private static void AddStatusField(IMetricSink sink, MetricDescriptor metric, string status, string key, double unit)
    {
        if (ParseStatusField(status, key, unit) is { } value)
        {
            sink.Add(metric, value);
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double StartTimeSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
    }

    // USER_HZ is 100 on every Linux ABI .NET runs on (it is fixed by the kernel ABI, unlike CONFIG_HZ).
    private const long ClockTicks = 100;
}
