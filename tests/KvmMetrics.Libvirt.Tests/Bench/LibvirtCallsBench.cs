using System.Diagnostics;
using System.Globalization;
using System.Text;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Libvirt.Tests.Bench;

/// <summary>
/// Not a test: the measurement behind <c>bench/libvirt-calls.sh</c> (runs only with <c>KMT_BENCH=1</c>). Creates 40
/// paused + 3 live guests, then reports p50/p95 over 20 runs of each stats group alone and of every group as one bulk
/// call versus 2/4/8 parallel chunks. Writes <c>bench/results/libvirt-calls.md</c>.
/// </summary>
[Collection(Integration.DisruptiveCollection.Name)]
public sealed class LibvirtCallsBench
{
    private const int Runs = 20;

    // A tool, not a test: scripts/test.sh excludes Category=Tool, so it never shows up as a skipped test.
    [SkippableFact]
    [Trait("Category", "Tool")]
    public async Task Measure()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("KMT_BENCH") == "1", "benchmark: run bench/libvirt-calls.sh");
        var host = LibvirtTestHost.Require();
        var paused = await GuestFactory.CreatePausedAsync(host, 40);
        var live = new List<TestGuest>();
        try
        {
            live.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { Network = true }));
            live.Add(await GuestFactory.CreateAsync(host, GuestKind.Spin));
            live.Add(await GuestFactory.CreateAsync(host, GuestKind.DiskReader));
            await Task.Delay(TimeSpan.FromSeconds(5));

            var report = new StringBuilder();
            using var bulk = new LibvirtClient(new LibvirtOptions(), TimeProvider.System);
            var domains = (await bulk.GetAllDomainStatsAsync(StatsGroups.State, CancellationToken.None)).Count;
            report.AppendLine(CultureInfo.InvariantCulture, $"# libvirt call cost ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Domains: {domains} (40 paused + 3 running test guests + others present), guests: {host.DomainType}, host: {Environment.ProcessorCount} CPUs, load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
            report.AppendLine(CultureInfo.InvariantCulture, $"Command: bash bench/libvirt-calls.sh (p50/p95 of {Runs} runs, after 2 warm-up calls).");
            report.AppendLine();
            report.AppendLine("| groups | p50 ms | p95 ms | p50 ms/domain | parameters |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var g in Enum.GetValues<StatsGroups>().Where(g => g != StatsGroups.None))
            {
                var (p50, p95, parameters) = await Time(bulk, g);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {g} | {p50:0.0} | {p95:0.0} | {p50 / domains:0.00} | {parameters} |");
            }

            report.AppendLine();
            report.AppendLine("| every group, split into | p50 ms | p95 ms |");
            report.AppendLine("|---|---:|---:|");
            foreach (var chunks in new[] { 1, 2, 4, 8 })
            {
                using var client = new LibvirtClient(new LibvirtOptions(parallelChunks: chunks), TimeProvider.System);
                var (p50, p95, _) = await Time(client, StatsGroups.All);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {(chunks == 1 ? "1 bulk call (virConnectGetAllDomainStats)" : chunks + " parallel chunks (virDomainListGetStats)")} | {p50:0.0} | {p95:0.0} |");
            }

            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
            var path = RepoPaths.InRepo("bench", "results", "libvirt-calls.md");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, report.ToString());
            Console.WriteLine(report.ToString());
        }
        finally
        {
            await GuestFactory.DisposeAllAsync(live.Concat(paused));
        }
    }

    private static async Task<(double P50, double P95, int Parameters)> Time(LibvirtClient client, StatsGroups groups)
    {
        var parameters = 0;
        for (var i = 0; i < 2; i++)
        {
            parameters = (await client.GetAllDomainStatsAsync(groups, CancellationToken.None)).Sum(s => s.Parameters.Count);
        }

        var ms = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await client.GetAllDomainStatsAsync(groups, CancellationToken.None);
            ms.Add(sw.Elapsed.TotalMilliseconds);
        }

        ms.Sort();
        return (ms[(Runs - 1) / 2], ms[(int)Math.Ceiling(Runs * 0.95) - 1], parameters);
    }
}
