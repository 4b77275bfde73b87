using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Reading;

/// <summary>Reads every supported file of a domain's cgroup into a <see cref="ScopeSnapshot"/>. Never throws on file content.</summary>
public static class ScopeReader
{
    /// <summary>The single-value memory files, with whether <c>max</c> is allowed.</summary>
    public static IReadOnlyList<(string File, bool IsLimit)> MemoryValueFiles { get; } =
    [
        (CgroupFiles.MemoryCurrent, false), (CgroupFiles.MemoryPeak, false),
        (CgroupFiles.MemoryMax, true), (CgroupFiles.MemoryHigh, true), (CgroupFiles.MemoryLow, true), (CgroupFiles.MemoryMin, true),
        (CgroupFiles.MemorySwapCurrent, false), (CgroupFiles.MemorySwapMax, true),
    ];

    /// <summary>Reads <paramref name="scope"/>.</summary>
    public static ScopeSnapshot Read(DomainScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var dir = scope.DomainPath;
        var problems = new List<FileProblem>();

        // One directory listing instead of a failed open (and a thrown exception) per absent file:
        // on a hybrid host most controller files are absent, and that is the common case there.
        var present = FileNames(dir);

        ParseResult<T> Get<T>(string file, Func<string, ParseResult<T>> parser, string? label = null, string? baseDir = null)
        {
            if (baseDir is null && !present.Contains(file))
            {
                return ParseResult<T>.Absent();
            }

            var path = Path.Combine(baseDir ?? dir, file);
            var result = CgroupFileReader.Read(path, parser);
            if (result.Status is CgroupFileStatus.Malformed or CgroupFileStatus.Unreadable)
            {
                problems.Add(new FileProblem(label ?? file, path, result.Status, result.Problem ?? string.Empty));
            }

            return result;
        }

        var memory = new Dictionary<string, ParseResult<double>>(StringComparer.Ordinal);
        foreach (var (file, isLimit) in MemoryValueFiles)
        {
            memory[file] = Get<double>(file, isLimit ? SingleValueParser.ParseLimit : SingleValueParser.ParseNumber);
        }

        var snapshot = new ScopeSnapshot
        {
            CpuStat = Get(CgroupFiles.CpuStat, FlatKeyedParser.Parse),
            CpuMax = Get(CgroupFiles.CpuMax, CpuMaxParser.Parse),
            CpuWeight = Get(CgroupFiles.CpuWeight, SingleValueParser.ParseNumber),
            MemoryValues = memory,
            MemoryStat = Get(CgroupFiles.MemoryStat, FlatKeyedParser.Parse),
            MemoryEvents = Get(CgroupFiles.MemoryEvents, FlatKeyedParser.Parse),
            IoStat = Get(CgroupFiles.IoStat, IoDeviceParser.ParseStat),
            IoMax = Get(CgroupFiles.IoMax, IoDeviceParser.ParseMax),
            IoWeight = Get(CgroupFiles.IoWeight, IoWeightParser.Parse),
            Pressure = new Dictionary<string, ParseResult<PressureTotals>>(StringComparer.Ordinal)
            {
                ["cpu"] = Get(CgroupFiles.CpuPressure, PressureParser.Parse),
                ["memory"] = Get(CgroupFiles.MemoryPressure, PressureParser.Parse),
                ["io"] = Get(CgroupFiles.IoPressure, PressureParser.Parse),
            },
            PidsCurrent = Get(CgroupFiles.PidsCurrent, SingleValueParser.ParseNumber),
            PidsMax = Get(CgroupFiles.PidsMax, SingleValueParser.ParseLimit),
            Threads = ReadThreads(dir, (name, path, kind, index) =>
                new ThreadGroupUsage(name, kind, index, Get(CgroupFiles.CpuStat, FlatKeyedParser.Parse, ThreadLabel(kind), path))),
            Problems = problems,
            DirectoryExisted = Directory.Exists(dir),
        };
        return snapshot;
    }

    /// <summary>The <c>file</c> label for a thread's cpu.stat: <c>vcpu/cpu.stat</c>, <c>emulator/cpu.stat</c>, <c>iothread/cpu.stat</c>.</summary>
    public static string ThreadLabel(ThreadGroupKind kind) => kind switch
    {
        ThreadGroupKind.Vcpu => "vcpu/cpu.stat",
        ThreadGroupKind.Emulator => "emulator/cpu.stat",
        _ => "iothread/cpu.stat",
    };

    private static HashSet<string> FileNames(string dir)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(dir))
            {
                names.Add(Path.GetFileName(path));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory vanished (domain stopped): every file is absent, DirectoryExisted says why.
        }

        return names;
    }

    private static List<ThreadGroupUsage> ReadThreads(string dir, Func<string, string, ThreadGroupKind, int, ThreadGroupUsage> read)
    {
        string[] children;
        try
        {
            children = Directory.GetDirectories(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var found = new List<(ThreadGroupKind Kind, int Index, string Name, string Path)>();
        foreach (var child in children)
        {
            var name = Path.GetFileName(child);
            if (name == "emulator")
            {
                found.Add((ThreadGroupKind.Emulator, -1, name, child));
            }
            else if (ScopeResolver.IsThreadDirectory(name))
            {
                var isVcpu = name.StartsWith("vcpu", StringComparison.Ordinal);
                var index = int.Parse(name.AsSpan(isVcpu ? 4 : 8), System.Globalization.CultureInfo.InvariantCulture);
                found.Add((isVcpu ? ThreadGroupKind.Vcpu : ThreadGroupKind.IoThread, index, name, child));
            }
        }

        return found.OrderBy(t => t.Kind).ThenBy(t => t.Index)
            .Select(t => read(t.Name, t.Path, t.Kind, t.Index))
            .ToList();
    }
}
