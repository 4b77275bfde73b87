using System.Globalization;
using System.IO.Compression;
using System.Text;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Sample;

/// <summary>
/// Builds the bundled sample cluster from the Bitbrains GWA-T-12 "Rnd" traces: a fixed-seed choice of
/// VMs with complete August–September 2013 data, placed on hosts by an allocation-only first fit
/// (blind to usage, like a naive scheduler, so some hosts run hot), resampled to hourly means and
/// shifted by whole weeks so weekday seasonality is kept. Output is byte-identical for the same traces.
/// </summary>
public static class SampleBuilder
{
    /// <summary>The history resource file name.</summary>
    public const string HistoryFile = "sample-history.csv.gz";

    /// <summary>The cluster resource file name.</summary>
    public const string ClusterFile = "sample-cluster.json";

    /// <summary>2013-08-01T00:00Z, the first sample kept.</summary>
    public const long TraceStart = 1_375_315_200;

    /// <summary>Days of history kept.</summary>
    public const int Days = 40;

    /// <summary>678 weeks: moves 2013-08-01 (a Thursday) to 2026-07-30 (a Thursday).</summary>
    public const long Shift = 678L * 604_800;

    private const int Seed = 20130801;
    private const int VmCount = 48;
    private const double HostCores = 16;
    private const long HostMemory = 64L << 30;
    private const double VcpuOvercommit = 3.0;
    private const int SpareHosts = 0;

    /// <summary>Reads the traces in <paramref name="traceDirectory"/> and writes both sample files into <paramref name="outputDirectory"/>.</summary>
    public static string Build(string traceDirectory, string outputDirectory, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (!Directory.Exists(traceDirectory))
        {
            throw new UsageException($"trace directory '{traceDirectory}' does not exist (expected the Bitbrains Rnd files 2013-<month>-<id>.csv.gz)");
        }

        var end = TraceStart + (Days * HourlyGrid.Day);
        var candidates = new List<TraceVm>();
        for (var id = 1; id <= 240; id++)
        {
            var vm = TraceVm.Load(traceDirectory, id, TraceStart, end);
            if (vm is not null && vm.Vcpus <= 8 && vm.MemoryBytes <= (32L << 30) && vm.Coverage >= 0.95)
            {
                candidates.Add(vm);
            }
        }

        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sample: {candidates.Count} VMs with complete data; choosing {VmCount} (seed {Seed})"));
        if (candidates.Count < VmCount)
        {
            throw new UsageException($"only {candidates.Count} usable VMs in '{traceDirectory}', need {VmCount}");
        }

        var random = new Random(Seed);
        var chosen = candidates.OrderBy(_ => random.Next()).Take(VmCount).OrderBy(v => v.Id).ToArray();

        // Allocation-only first fit in VM id order: vCPUs up to 3:1 and memory up to 100% per host.
        var hosts = new List<(string Name, int Vcpus, long Memory)>();
        var placement = new Dictionary<int, string>();
        foreach (var vm in chosen)
        {
            var index = hosts.FindIndex(h => h.Vcpus + vm.Vcpus <= HostCores * VcpuOvercommit && h.Memory + vm.MemoryBytes <= HostMemory);
            if (index < 0)
            {
                hosts.Add((HostName(hosts.Count), 0, 0));
                index = hosts.Count - 1;
            }

            hosts[index] = (hosts[index].Name, hosts[index].Vcpus + vm.Vcpus, hosts[index].Memory + vm.MemoryBytes);
            placement[vm.Id] = hosts[index].Name;
        }

        for (var i = 0; i < SpareHosts; i++)
        {
            hosts.Add((HostName(hosts.Count), 0, 0));
        }

        Directory.CreateDirectory(outputDirectory);
        var json = ClusterJson(hosts.Select(h => h.Name).ToArray(), chosen, placement, end + Shift);
        File.WriteAllText(Path.Combine(outputDirectory, ClusterFile), json, new UTF8Encoding(false));
        WriteHistory(Path.Combine(outputDirectory, HistoryFile), chosen);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"sample: {chosen.Length} VMs on {hosts.Count} hosts, {Days} days hourly, {DateTimeOffset.FromUnixTimeSeconds(TraceStart + Shift):yyyy-MM-dd} to {DateTimeOffset.FromUnixTimeSeconds(end + Shift):yyyy-MM-dd}");
        progress.WriteLine(summary);
        return summary;
    }

    private static string HostName(int index) => string.Create(CultureInfo.InvariantCulture, $"kvm{index + 1:D2}");

    private static string ClusterJson(string[] hosts, TraceVm[] vms, Dictionary<int, string> placement, long planTime)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("{\n  \"hosts\": [\n");
        sb.AppendJoin(",\n", hosts.Select(h => string.Create(c, $"    {{\"name\": \"{h}\", \"cpuCores\": {HostCores}, \"memoryBytes\": {HostMemory}}}")));
        sb.Append("\n  ],\n  \"vms\": [\n");
        sb.AppendJoin(",\n", vms.Select(v => string.Create(c, $"    {{\"name\": \"{v.Name}\", \"host\": \"{placement[v.Id]}\", \"vcpus\": {v.Vcpus}, \"memoryBytes\": {v.MemoryBytes}}}")));
        sb.Append("\n  ],\n  \"policy\": {\"cpuHighWatermark\": 0.8, \"maxMigrations\": 5},\n");
        sb.Append(c, $"  \"capacity\": {{\"reserveHosts\": 1, \"targetUtilisation\": 0.8}},\n  \"planTime\": {planTime}\n}}\n");
        return sb.ToString();
    }

    private static void WriteHistory(string path, TraceVm[] vms)
    {
        var temp = path + ".tmp";
        using (var file = File.Create(temp))
        {
            // Fixed gzip header fields (no file name, mtime 0) keep the bytes reproducible.
            using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
            using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
            writer.Write("timestamp,entity,metric,value\n");
            foreach (var vm in vms)
            {
                foreach (var (metric, series, digits) in vm.Series())
                {
                    for (var i = 0; i < series.Length; i++)
                    {
                        var v = series.Values[i];
                        if (double.IsNaN(v))
                        {
                            continue;
                        }

                        var text = Math.Round(v, digits).ToString("0.####", CultureInfo.InvariantCulture);
                        writer.Write(string.Create(CultureInfo.InvariantCulture, $"{series.TimeAt(i) + Shift},{vm.Name},{metric},{text}\n"));
                    }
                }
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    private sealed record TraceVm(int Id, int Vcpus, long MemoryBytes, double Coverage, RegularSeries Cpu, RegularSeries Memory, RegularSeries Disk, RegularSeries Network)
    {
        public string Name => string.Create(CultureInfo.InvariantCulture, $"vm{Id:D3}");

        public IEnumerable<(string Metric, RegularSeries Series, int Digits)> Series()
        {
            yield return (ClusterMetrics.CpuCores, Cpu, 3);
            yield return (ClusterMetrics.DiskBytesPerSecond, Disk, 0);
            yield return (ClusterMetrics.MemoryBytes, Memory, 0);
            yield return (ClusterMetrics.NetworkBytesPerSecond, Network, 0);
        }

        public static TraceVm? Load(string directory, int id, long start, long end)
        {
            var ts = new List<long>();
            var cpu = new List<double>();
            var mem = new List<double>();
            var disk = new List<double>();
            var net = new List<double>();
            var cores = new Dictionary<int, int>();
            long memory = 0;
            foreach (var row in BitbrainsRows.Read(directory, id, [8, 9]))
            {
                // The sample keeps only rows whose every column is a finite number, inside the sample window.
                if (row.Timestamp < start || row.Timestamp >= end
                    || !AllFinite(row.Cores, row.ProvisionedMhz, row.UsedMhz, row.MemoryProvisionedKb, row.MemoryUsedKb,
                        row.DiskReadKbps, row.DiskWriteKbps, row.NetworkReceivedKbps, row.NetworkTransmittedKbps))
                {
                    continue;
                }

                var n = (int)Math.Round(row.Cores);
                cores[n] = cores.GetValueOrDefault(n) + 1;
                memory = Math.Max(memory, (long)(row.MemoryProvisionedKb * 1024));
                ts.Add(row.Timestamp);
                cpu.Add(row.CoresInUse);
                mem.Add(Math.Clamp(row.MemoryUsedKb * 1024, 0, row.MemoryProvisionedKb * 1024));
                disk.Add(Math.Max(0, (row.DiskReadKbps + row.DiskWriteKbps) * 1024));
                net.Add(Math.Max(0, (row.NetworkReceivedKbps + row.NetworkTransmittedKbps) * 1024));
            }

            if (ts.Count == 0 || cores.Count == 0 || memory <= 0)
            {
                return null;
            }

            // Round memory allocation up to whole GiB as a scheduler flavour would.
            memory = ((memory + (1L << 30) - 1) >> 30) << 30;
            var order = Enumerable.Range(0, ts.Count).OrderBy(i => ts[i]).ToArray();
            long[] stamps = [.. order.Select(i => ts[i])];
            RegularSeries Hourly(List<double> values)
            {
                var s = Resampler.Resample(stamps, [.. order.Select(i => values[i])], HourlyGrid.Hour);
                var startIndex = (int)((start - s.Start) / HourlyGrid.Hour);
                var result = new double[Days * 24];
                for (var i = 0; i < result.Length; i++)
                {
                    var j = i + startIndex;
                    result[i] = j >= 0 && j < s.Length ? s.Values[j] : double.NaN;
                }

                return new RegularSeries(start, HourlyGrid.Hour, result);
            }

            var cpuSeries = Hourly(cpu);
            var coverage = cpuSeries.Values.Count(v => !double.IsNaN(v)) / (double)cpuSeries.Length;
            var vcpus = cores.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
            return new TraceVm(id, vcpus, memory, coverage, cpuSeries, Hourly(mem), Hourly(disk), Hourly(net));
        }

        private static bool AllFinite(params ReadOnlySpan<double> values)
        {
            foreach (var v in values)
            {
                if (!double.IsFinite(v))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
