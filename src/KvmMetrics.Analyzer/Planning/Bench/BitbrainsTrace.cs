using System.Globalization;
using System.IO.Compression;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;

namespace KvmMetrics.Analyzer.Planning.Bench;

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
        foreach (var month in new[] { 7, 8, 9 })
        {
            var path = Path.Combine(directory, $"2013-{month}-{id}.csv.gz");
            if (!File.Exists(path))
            {
                continue;
            }

            using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(stream);
            reader.ReadLine();
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                var p = line.Split(';');
                if (p.Length < 7
                    || !long.TryParse(p[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ts)
                    || !double.TryParse(p[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var c)
                    || !double.TryParse(p[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var prov)
                    || !double.TryParse(p[3].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var used)
                    || !double.TryParse(p[5].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var memProv)
                    || !double.TryParse(p[6].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var memUsed))
                {
                    continue;
                }

                if (c < 1 || prov <= 0)
                {
                    continue;
                }

                var n = (int)Math.Round(c);
                cores[n] = cores.GetValueOrDefault(n) + 1;
                memory = Math.Max(memory, (long)(memProv * 1024));
                points[ts] = (Math.Max(0, used / (prov / c)), Math.Max(0, memUsed * 1024));
            }
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
