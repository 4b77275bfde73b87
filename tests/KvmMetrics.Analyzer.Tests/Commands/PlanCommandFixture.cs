using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Tests.Commands;

/// <summary>A temporary directory with a small cluster (one hot host) for the plan and capacity commands.</summary>
public sealed class PlanCommandFixture : IDisposable
{
    public const long PlanTime = 1_700_006_400; // a midnight UTC

    public PlanCommandFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "kvm-plan-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ClusterPath = Path.Combine(Directory, "C.json");
        HistoryPath = Path.Combine(Directory, "H.csv");
        File.WriteAllText(ClusterPath, ValidCluster);
        var start = PlanTime - (14 * 86_400L);
        var ts = Enumerable.Range(0, 14 * 288).Select(i => start + (i * 300L)).ToArray();
        RawSeries Cpu(string vm, double cores) => new(vm, "cpu_cores", ts, [.. ts.Select(_ => cores)]);
        RawSeries Mem(string vm, double bytes) => new(vm, "memory_bytes", ts, [.. ts.Select(_ => bytes)]);
        using var writer = new StreamWriter(HistoryPath);
        HistoryCsv.Write(writer, [Cpu("vm1", 2.2), Cpu("vm2", 2.0), Cpu("vm3", 1.8), Cpu("vm4", 1.6), Cpu("vm5", 0.5), Mem("vm1", 4e9), Mem("vm5", 1e9)]);
    }

    public const string ValidCluster = """
        {
          "hosts": [
            {"name": "a", "cpuCores": 8, "memoryBytes": 68719476736},
            {"name": "b", "cpuCores": 8, "memoryBytes": 68719476736},
            {"name": "c", "cpuCores": 8, "memoryBytes": 68719476736, "maintenance": false}
          ],
          "vms": [
            {"name": "vm1", "host": "a", "vcpus": 4, "memoryBytes": 8589934592},
            {"name": "vm2", "host": "a", "vcpus": 4, "memoryBytes": 8589934592},
            {"name": "vm3", "host": "a", "vcpus": 4, "memoryBytes": 8589934592},
            {"name": "vm4", "host": "a", "vcpus": 4, "memoryBytes": 8589934592},
            {"name": "vm5", "host": "b", "vcpus": 2, "memoryBytes": 4294967296}
          ],
          "constraints": {"antiAffinity": [["vm1", "vm2"]], "pinned": ["vm5"]},
          "policy": {"cpuHighWatermark": 0.8, "maxMigrations": 3},
          "planTime": 1700006400
        }
        """;

    public string Directory { get; }

    public string ClusterPath { get; }

    public string HistoryPath { get; }

    public string InDir(string name) => Path.Combine(Directory, name);

    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Program.RunAsync(args, new CommandContext(stdout, stderr, TimeProvider.System), CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
