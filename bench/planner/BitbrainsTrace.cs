using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Bench.Planner;

/// <summary>One Bitbrains GWA-T-12 VM over all months found: allocation and usage series.</summary>
/// <param name="Id">Trace VM id.</param>
/// <param name="Vcpus">Most frequent non-zero "CPU cores" value.</param>
/// <param name="MemoryBytes">Largest provisioned memory.</param>
/// <param name="Cpu">Cores in use (usage MHz / (provisioned MHz / cores)).</param>
/// <param name="Memory">Memory in use, bytes.</param>
internal sealed record BitbrainsVm(int Id, int Vcpus, long MemoryBytes, RawSeries Cpu, RawSeries Memory);

/// <summary>Reads the Bitbrains "Rnd" files (<c>2013-M-ID.csv.gz</c>; semicolon+tab separated; timestamps in seconds).</summary>
internal static class BitbrainsTrace
{
    public static BitbrainsVm? Load(string directory, int id)
    {
        var points = new SortedDictionary<long, (double Cpu, double Mem)>();
        var cores = new Dictionary<int, int>();
        long memory = 0;
        foreach (var row in BitbrainsRows.Read(directory, id, [7, 8, 9]))
        {
            var n = (int)Math.Round(row.Cores);
            cores[n] = cores.GetValueOrDefault(n) + 1;
            memory = Math.Max(memory, (long)(row.MemoryProvisionedKb * 1024));
            points[row.Timestamp] = (row.CoresInUse, Math.Max(0, row.MemoryUsedKb * 1024));
        }

        if (points.Count == 0 || cores.Count == 0 || memory <= 0)
        {
            return null;
        }

        var vcpus = cores.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
        var name = $"vm{id:D3}";
        long[] stamps = [.. points.Keys];
        return new BitbrainsVm(id, vcpus, memory,
            new RawSeries(name, ClusterMetrics.CpuCores, stamps, [.. points.Values.Select(v => v.Cpu)]),
            new RawSeries(name, ClusterMetrics.MemoryBytes, [.. stamps], [.. points.Values.Select(v => v.Mem)]));
    }
}
