#:project ../../src/KvmMetrics.Exporter/KvmMetrics.Exporter.csproj
#:property PublishAot=false

// Cost of the cgroup collector per scrape on this host's real cgroup tree.
// Usage: dotnet run CgroupBench.cs -- <domains.txt: "uuid id name" lines> <runs>
using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Exporter.Collectors.Cgroup;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exposition;

var domains = File.ReadAllLines(args[0])
    .Where(l => l.Length > 0)
    .Select(l => l.Split(' ', 3))
    .Select(p => new RunningDomain(p[0], p[2], int.Parse(p[1], CultureInfo.InvariantCulture)))
    .ToList();
var runs = int.Parse(args[1], CultureInfo.InvariantCulture);
var collector = new CgroupCollector(new Fixed(domains), CgroupCollectorOptions.Create(null), TimeProvider.System);

// First scrape: discovery of the mount and every scope (what a restart or 40 new domains cost).
var cold = Stopwatch.StartNew();
var first = Scrape(collector);
cold.Stop();
var found = first.Find("kvm_cgroup_found")!.Samples.Count(s => s.Value == 1);
// Warm up past tiered JIT recompilation so the timed runs measure the steady state of a long-running exporter.
for (var i = 0; i < 50; i++)
{
    Scrape(collector);
}

var process = Process.GetCurrentProcess();
process.Refresh();
var cpu0 = process.TotalProcessorTime;
var user0 = process.UserProcessorTime;
var times = new double[runs];
MetricSet last = first;
for (var i = 0; i < runs; i++)
{
    var sw = Stopwatch.StartNew();
    last = Scrape(collector);
    times[i] = sw.Elapsed.TotalMilliseconds;
}

process.Refresh();
var cpuPerScrape = (process.TotalProcessorTime - cpu0).TotalMilliseconds / runs;
var userPerScrape = (process.UserProcessorTime - user0).TotalMilliseconds / runs;
Array.Sort(times);
double Pct(double p) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(p * times.Length) - 1)];
var write = Stopwatch.StartNew();
var bytes = TextFormatWriter.WriteToString(last).Length;
write.Stop();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"domains={domains.Count} found={found} root={collector.CgroupRoot} series={last.SampleCount} bytes={bytes} runs={runs} " +
    $"cold_ms={cold.Elapsed.TotalMilliseconds:F1} p50_ms={Pct(0.50):F2} p95_ms={Pct(0.95):F2} max_ms={times[^1]:F2} " +
    $"cpu_ms_per_scrape={cpuPerScrape:F2} (user {userPerScrape:F2}, kernel {cpuPerScrape - userPerScrape:F2}) write_ms={write.Elapsed.TotalMilliseconds:F2} loadavg={File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));

static MetricSet Scrape(CgroupCollector collector)
{
    var builder = new MetricSetBuilder();
    collector.CollectAsync(builder, CancellationToken.None).GetAwaiter().GetResult();
    return builder.Build();
}

sealed class Fixed(IReadOnlyList<RunningDomain> running) : IDomainDirectory
{
    public IReadOnlyList<RunningDomain> Running { get; } = running;
}
