using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Report;

namespace KvmMetrics.Analyzer.Commands;

/// <summary><c>capacity --cluster C.json --history H.csv --output CAP.json</c>: headroom, time until full and right-sizing.</summary>
public sealed class CapacityCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "capacity";

    /// <inheritdoc />
    public string Summary => "capacity with N+1 reserve, time until full, idle/oversized/undersized VMs";

    /// <inheritdoc />
    public IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options { get; } =
        [.. AnalyzerFlags.Common, AnalyzerFlags.Cluster.Snapshot, AnalyzerFlags.Cluster.History, AnalyzerFlags.Cluster.CapacityOutput];

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var clusterPath = args.Required(AnalyzerFlags.Cluster.Snapshot)!;
        var historyPath = args.Required(AnalyzerFlags.Cluster.History)!;
        var output = args.Required(AnalyzerFlags.Cluster.CapacityOutput)!;
        args.EnsureAllUsed();

        var inputs = AnalysisInputs.Load(clusterPath, historyPath);
        foreach (var w in inputs.Warnings)
        {
            await context.Error.WriteLineAsync("warning: " + w).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var report = CapacityPlanner.Analyse(inputs.Cluster.Snapshot, inputs.History, inputs.Cluster.Capacity);
        AnalysisJson.WriteAtomically(output, AnalysisJson.Serialize(report));
        await context.Out.WriteAsync(Describe(report, output)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The human summary printed on stdout: the same words as the report's key figures and CLI line.</summary>
    public static string Describe(CapacityReport report, string output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"capacity at {Fmt.Time(report.Time)} UTC (N+{report.ReserveHosts}):\n");
        foreach (var r in report.Resources.Where(r => r.Scope == "cluster"))
        {
            if (r.Capacity <= 0 || double.IsNaN(r.Demand))
            {
                sb.Append(c, $"  {r.Resource,-6} {r.Note}\n");
                continue;
            }

            var a = r.AllocationView;
            var d = r.DemandView;
            sb.Append(c, $"  {r.Resource,-6} allocation {Fmt.Amount(r.Resource, a.Used, CapacityBasis.Allocation)} of {Fmt.Amount(r.Resource, a.Limit, CapacityBasis.Allocation)}, ");
            sb.Append(c, $"demand {Fmt.Amount(r.Resource, d.Used, CapacityBasis.Demand)} of {Fmt.Amount(r.Resource, d.Limit, CapacityBasis.Demand)} usable; full in {Fmt.FullIn(r, report.HorizonDays)}\n");
        }

        var s = report.Sizing;
        sb.Append(c, $"  VMs: {s.Idle} idle, {s.Oversized} oversized, {s.Undersized} undersized; reclaimable net {s.NetReclaimableVcpus} vCPUs and {s.NetReclaimableMemoryBytes / Fmt.GiB:0.#} GiB\n");
        sb.Append("  ").Append(Fmt.CapacityLine(report)).Append('\n');
        sb.Append(c, $"wrote {output}\n");
        return sb.ToString();
    }
}
