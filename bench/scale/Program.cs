using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.State;
using Microsoft.Extensions.Logging.Abstractions;

// bench/scale: generates a fleet of N VMs on N/20 hosts from the Bitbrains "Rnd" traces (hourly means, 28 days; VM i
// replays trace i mod 240 rotated by (i / 240) days, so copies differ) and runs ONE analysis cycle through the analyzer's
// public code path: FileSource.LoadAsync + AnalysisRunner.RunOnceAsync (load, hotspots, plan with forecasts, report).
// Prints the runner's own per-task durations and the process's peak RSS (VmHWM). Each size runs in a child process so
// its peak RSS is its own.
//   dotnet run -c Release --project bench/scale -- [traces=/work/shared/data/bitbrains-rnd] [sizes=1000,3000,10000]
//   dotnet run -c Release --project bench/scale -- --one N traces   (one size, the child)
var inv = CultureInfo.InvariantCulture;
if (args.Length >= 3 && args[0] == "--one")
{
    return await RunOne(int.Parse(args[1], inv), args[2]);
}

var traces = args.Length > 0 ? args[0] : "/work/shared/data/bitbrains-rnd";
var sizes = (args.Length > 1 ? args[1] : "1000,3000,10000").Split(',').Select(s => int.Parse(s, inv)).ToArray();
Console.WriteLine($"# bench/scale {DateTime.UtcNow:u} cores={Environment.ProcessorCount} loadavg={File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine("vms\thosts\tgenerate_s\tload_s\thotspots_s\tplan_s\treport_s\tcycle_s\tpeak_rss_mib\tprocess_cpu_s\tratio_cycle_vs_1st\tratio_rss_vs_1st");
double? firstCycle = null, firstRss = null;
foreach (var n in sizes)
{
    var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    var entry = typeof(Program).Assembly.Location;
    if (!Environment.ProcessPath!.EndsWith("ScaleBench", StringComparison.Ordinal))
    {
        psi.ArgumentList.Add(entry);
    }

    psi.ArgumentList.Add("--one");
    psi.ArgumentList.Add(n.ToString(inv));
    psi.ArgumentList.Add(traces);
    using var child = Process.Start(psi)!;
    var line = (await child.StandardOutput.ReadToEndAsync()).Trim();
    await child.WaitForExitAsync();
    if (child.ExitCode != 0)
    {
        Console.WriteLine($"{n}\tfailed (exit {child.ExitCode}): {line}");
        continue;
    }

    var f = line.Split('\t');
    var cycle = double.Parse(f[7], inv);
    var rss = double.Parse(f[8], inv);
    firstCycle ??= cycle;
    firstRss ??= rss;
    Console.WriteLine($"{line}\t{cycle / firstCycle.Value:0.00}\t{rss / firstRss.Value:0.00}");
}

Console.WriteLine($"# done {DateTime.UtcNow:u} loadavg={File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

static async Task<int> RunOne(int vms, string traces)
{
    var inv = CultureInfo.InvariantCulture;
    var dir = Directory.CreateTempSubdirectory("kvm-scale-");
    try
    {
        var sw = Stopwatch.StartNew();
        var (cluster, history, planTime) = Fleet.Write(traces, vms, dir.FullName);
        var generate = sw.Elapsed.TotalSeconds;
        var dataDir = Path.Combine(dir.FullName, "data");
        var runner = new AnalysisRunner(new FileSource(cluster, history), new AnalyzerServiceOptions { DataDirectory = dataDir },
            new StateStore(dataDir), new Fixed(planTime), NullLogger.Instance);
        GC.Collect();
        sw.Restart();
        await runner.RunOnceAsync(CancellationToken.None);
        var cycle = sw.Elapsed.TotalSeconds;
        // SCALEBENCH_KEEP=dir keeps the cycle's outputs (results JSON, report) to diff two builds' results.
        if (Environment.GetEnvironmentVariable("SCALEBENCH_KEEP") is { Length: > 0 } keep)
        {
            CopyTree(dataDir, Path.Combine(keep, vms.ToString(inv)));
        }

        // Under a loaded machine wall time mostly measures the wait for a core; CPU time is what the cycle costs.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var t = runner.Status.Tasks;
        string D(string task) => t.TryGetValue(task, out var s) ? (s.Failures > 0 ? "fail:" + s.LastError : s.DurationSeconds.ToString("0.00", inv)) : "-";
        Console.WriteLine(string.Join('\t', vms, vms / 20, generate.ToString("0.0", inv), D("load"), D("hotspots"), D("plan"), D("report"), cycle.ToString("0.00", inv), (PeakRssKib() / 1024.0).ToString("0", inv), cpu.ToString("0.0", inv)));
        return 0;
    }
    finally
    {
        dir.Delete(recursive: true);
    }
}

static void CopyTree(string from, string to)
{
    foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
    {
        var target = Path.Combine(to, Path.GetRelativePath(from, file));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
    }
}

static long PeakRssKib() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

internal sealed class Fixed(long unix) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(unix);
}

/// <summary>The generated fleet: hourly CPU cores and memory bytes per VM from the traces, and a cluster file.</summary>
internal static class Fleet
{
    private const int Days = 28;
    private const int Hours = Days * 24;
    private const long Start = 1_375_315_200 + (7 * 86_400); // 2013-08-08, inside every VM's three months

    public static (string Cluster, string History, long PlanTime) Write(string traces, int vms, string dir)
    {
        var inv = CultureInfo.InvariantCulture;
        var baseVms = Enumerable.Range(1, 240).Select(id => Load(traces, id)).Where(v => v is not null).Select(v => v!).ToArray();
        if (baseVms.Length == 0)
        {
            throw new InvalidOperationException($"no Bitbrains traces in {traces}");
        }

        var hosts = vms / 20;
        var history = Path.Combine(dir, "history.csv");
        var hostVms = new List<(string Name, int Vcpus, long Memory)>[hosts];
        for (var h = 0; h < hosts; h++)
        {
            hostVms[h] = [];
        }

        using (var w = new StreamWriter(history, false, new UTF8Encoding(false), 1 << 20))
        {
            w.Write("timestamp,entity,metric,value\n");
            for (var i = 0; i < vms; i++)
            {
                var b = baseVms[i % baseVms.Length];
                var rotate = (i / baseVms.Length) * 24 % Hours;
                var name = string.Create(inv, $"vm{i:D5}");
                hostVms[i % hosts].Add((name, b.Vcpus, b.Memory));
                foreach (var (metric, values) in new[] { ("cpu_cores", b.Cpu), ("memory_bytes", b.Mem) })
                {
                    for (var k = 0; k < Hours; k++)
                    {
                        var v = values[(k + rotate) % Hours];
                        if (double.IsNaN(v))
                        {
                            continue;
                        }

                        w.Write(string.Create(inv, $"{Start + (k * 3600L)},{name},{metric},{v:0.####}\n"));
                    }
                }
            }
        }

        var planTime = Start + (Hours * 3600L);
        var sb = new StringBuilder("{\n  \"hosts\": [\n");
        for (var h = 0; h < hosts; h++)
        {
            var mem = Math.Max(256L << 30, (long)(hostVms[h].Sum(v => v.Memory) * 1.1));
            var cores = Math.Max(32, hostVms[h].Sum(v => v.Vcpus) / 2);
            sb.Append(inv, $"    {{\"name\": \"host{h:D3}\", \"cpuCores\": {cores}, \"memoryBytes\": {mem}}}{(h + 1 < hosts ? "," : "")}\n");
        }

        sb.Append("  ],\n  \"vms\": [\n");
        var all = Enumerable.Range(0, hosts).SelectMany(h => hostVms[h].Select(v => (Host: h, v.Name, v.Vcpus, v.Memory))).ToArray();
        for (var j = 0; j < all.Length; j++)
        {
            var v = all[j];
            sb.Append(inv, $"    {{\"name\": \"{v.Name}\", \"host\": \"host{v.Host:D3}\", \"vcpus\": {v.Vcpus}, \"memoryBytes\": {v.Memory}}}{(j + 1 < all.Length ? "," : "")}\n");
        }

        sb.Append(inv, $"  ],\n  \"policy\": {{\"cpuHighWatermark\": 0.8, \"maxMigrations\": 20}},\n  \"capacity\": {{\"reserveHosts\": 1, \"targetUtilisation\": 0.8}},\n  \"planTime\": {planTime}\n}}\n");
        var cluster = Path.Combine(dir, "cluster.json");
        File.WriteAllText(cluster, sb.ToString());
        return (cluster, history, planTime);
    }

    private sealed record TraceVm(int Vcpus, long Memory, double[] Cpu, double[] Mem);

    /// <summary>Hourly means of cores in use and memory used over the 28 days from <see cref="Start"/>; NaN where an hour has no sample.</summary>
    private static TraceVm? Load(string dir, int id)
    {
        var sumCpu = new double[Hours];
        var sumMem = new double[Hours];
        var count = new int[Hours];
        int vcpus = 0;
        long memory = 0;
        foreach (var month in new[] { 8, 9 })
        {
            var path = Path.Combine(dir, $"2013-{month}-{id}.csv.gz");
            if (!File.Exists(path))
            {
                continue;
            }

            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            reader.ReadLine();
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split(';');
                if (f.Length < 7 || !long.TryParse(f[0].Trim(), CultureInfo.InvariantCulture, out var ts)
                    || !double.TryParse(f[1].Trim(), CultureInfo.InvariantCulture, out var cores)
                    || !double.TryParse(f[2].Trim(), CultureInfo.InvariantCulture, out var capMhz)
                    || !double.TryParse(f[3].Trim(), CultureInfo.InvariantCulture, out var useMhz)
                    || !double.TryParse(f[5].Trim(), CultureInfo.InvariantCulture, out var memCapKb)
                    || !double.TryParse(f[6].Trim(), CultureInfo.InvariantCulture, out var memKb) || cores <= 0 || capMhz <= 0)
                {
                    continue;
                }

                vcpus = Math.Max(vcpus, (int)Math.Round(cores));
                memory = Math.Max(memory, (long)(memCapKb * 1024));
                var h = (ts - Start) / 3600;
                if (h < 0 || h >= Hours)
                {
                    continue;
                }

                sumCpu[h] += useMhz / (capMhz / cores);
                sumMem[h] += memKb * 1024;
                count[h]++;
            }
        }

        if (vcpus == 0 || memory == 0 || count.Count(c => c > 0) < Hours / 2)
        {
            return null;
        }

        return new TraceVm(vcpus, memory,
            [.. Enumerable.Range(0, Hours).Select(h => count[h] > 0 ? sumCpu[h] / count[h] : double.NaN)],
            [.. Enumerable.Range(0, Hours).Select(h => count[h] > 0 ? sumMem[h] / count[h] : double.NaN)]);
    }
}
