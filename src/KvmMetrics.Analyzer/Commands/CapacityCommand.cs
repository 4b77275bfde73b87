using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Planning;

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

    /// <summary>The human summary printed on stdout.</summary>
    public static string Describe(CapacityReport report, string output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"capacity at {DateTimeOffset.FromUnixTimeSeconds(report.Time).ToString("yyyy-MM-dd HH:mm", c)} UTC (N+{report.ReserveHosts}):\n");
        foreach (var r in report.Resources.Where(r => r.Scope == "cluster"))
        {
            if (double.IsNaN(r.Demand))
            {
                sb.Append(c, $"  {r.Resource,-6} {r.Note}\n");
                continue;
            }

            var scale = r.Resource == "cpu" ? 1.0 : 1073741824.0;
            var unit = r.Resource == "cpu" ? "cores" : "GiB";
            sb.Append(c, $"  {r.Resource,-6} demand {r.Demand / scale:0.#} of {r.UsableCapacity / scale:0.#} usable {unit} (capacity {r.Capacity / scale:0.#}, allocated {r.AllocationRatio:0.##}x), ");
            sb.Append(c, $"full in {Days(r.DaysUntilFullExpected)} expected / {Days(r.DaysUntilFullConservative)} conservative\n");
        }

        var s = report.Sizing;
        sb.Append(c, $"  VMs: {s.Idle} idle, {s.Oversized} oversized, {s.Undersized} undersized; reclaimable {s.ReclaimableVcpus} vCPUs and {s.ReclaimableMemoryBytes / 1073741824.0:0.#} GiB\n");
        sb.Append(c, $"wrote {output}\n");
        return sb.ToString();
    }

    private static string Days(double? days) => days switch
    {
        null => "not within horizon",
        0 => "now",
        _ => string.Create(CultureInfo.InvariantCulture, $"{days:0.#} days"),
    };
}
