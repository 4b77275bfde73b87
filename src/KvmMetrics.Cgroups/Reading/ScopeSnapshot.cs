using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Reading;

/// <summary>The kind of a thread cgroup below a domain.</summary>
public enum ThreadGroupKind
{
    /// <summary><c>vcpuN</c>: one guest vCPU thread.</summary>
    Vcpu,

    /// <summary><c>emulator</c>: QEMU's main loop, I/O and helper threads not pinned elsewhere.</summary>
    Emulator,

    /// <summary><c>iothreadN</c>: a dedicated QEMU I/O thread.</summary>
    IoThread,
}

/// <summary>CPU usage of one thread cgroup (<c>vcpuN</c>, <c>emulator</c>, <c>iothreadN</c>).</summary>
/// <param name="Name">The directory name (label value).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Index">N for vcpuN / iothreadN, -1 for the emulator.</param>
/// <param name="CpuStat">Its <c>cpu.stat</c>.</param>
public sealed record ThreadGroupUsage(string Name, ThreadGroupKind Kind, int Index, ParseResult<IReadOnlyDictionary<string, double>> CpuStat);

/// <summary>A file that was present but could not be used.</summary>
/// <param name="File">The file name (e.g. <c>memory.stat</c>; thread files as <c>vcpu/cpu.stat</c>).</param>
/// <param name="Path">The full path.</param>
/// <param name="Status"><see cref="CgroupFileStatus.Malformed"/> or <see cref="CgroupFileStatus.Unreadable"/>.</param>
/// <param name="Problem">What was wrong.</param>
public sealed record FileProblem(string File, string Path, CgroupFileStatus Status, string Problem);

/// <summary>Everything read from one domain's cgroup in one pass. Absent files are <see cref="CgroupFileStatus.Absent"/> results.</summary>
public sealed class ScopeSnapshot
{
    /// <summary><c>cpu.stat</c> of the domain (usage_usec, user_usec, system_usec, nr_periods, nr_throttled, throttled_usec, nr_bursts, burst_usec).</summary>
    public required ParseResult<IReadOnlyDictionary<string, double>> CpuStat { get; init; }

    /// <summary><c>cpu.max</c>.</summary>
    public required ParseResult<CpuMax> CpuMax { get; init; }

    /// <summary><c>cpu.weight</c>.</summary>
    public required ParseResult<double> CpuWeight { get; init; }

    /// <summary>Single-value memory files by file name (<c>memory.current</c>, <c>memory.max</c>, ...).</summary>
    public required IReadOnlyDictionary<string, ParseResult<double>> MemoryValues { get; init; }

    /// <summary><c>memory.stat</c>.</summary>
    public required ParseResult<IReadOnlyDictionary<string, double>> MemoryStat { get; init; }

    /// <summary><c>memory.events</c>.</summary>
    public required ParseResult<IReadOnlyDictionary<string, double>> MemoryEvents { get; init; }

    /// <summary><c>io.stat</c>.</summary>
    public required ParseResult<IReadOnlyList<IoDeviceLine>> IoStat { get; init; }

    /// <summary><c>io.max</c>.</summary>
    public required ParseResult<IReadOnlyList<IoDeviceLine>> IoMax { get; init; }

    /// <summary><c>io.weight</c>.</summary>
    public required ParseResult<IoWeight> IoWeight { get; init; }

    /// <summary>PSI files by resource (<c>cpu</c>, <c>memory</c>, <c>io</c>).</summary>
    public required IReadOnlyDictionary<string, ParseResult<PressureTotals>> Pressure { get; init; }

    /// <summary><c>pids.current</c>.</summary>
    public required ParseResult<double> PidsCurrent { get; init; }

    /// <summary><c>pids.max</c>.</summary>
    public required ParseResult<double> PidsMax { get; init; }

    /// <summary>The thread cgroups below the domain, vCPUs by index, then emulator, then iothreads by index.</summary>
    public required IReadOnlyList<ThreadGroupUsage> Threads { get; init; }

    /// <summary>Every present-but-unusable file of this pass.</summary>
    public required IReadOnlyList<FileProblem> Problems { get; init; }

    /// <summary>False when the domain directory vanished during the read (the domain stopped): drop the snapshot.</summary>
    public required bool DirectoryExisted { get; init; }
}
