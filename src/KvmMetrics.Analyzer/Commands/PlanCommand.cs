using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.WriteBack;

namespace KvmMetrics.Analyzer.Commands;

/// <summary>
/// <c>plan --cluster C.json --history H.csv --output P.json [--state S.json]</c>: hotspots and an ordered,
/// explained list of live migrations; the cooldown state is read from and written back to <c>--state</c>
/// (default: <c>P.state.json</c> next to the output).
/// </summary>
public sealed class PlanCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "plan";

    /// <inheritdoc />
    public string Summary => "hotspots and an explained live-migration plan from a cluster snapshot and history";

    /// <inheritdoc />
    public IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options { get; } =
        [.. AnalyzerFlags.Common, AnalyzerFlags.Cluster.Snapshot, AnalyzerFlags.Cluster.History, AnalyzerFlags.Cluster.PlanOutput, AnalyzerFlags.Cluster.State,
         .. AnalyzerFlags.WriteBack.All, .. PolicyFields.Definitions];

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var clusterPath = args.Required(AnalyzerFlags.Cluster.Snapshot)!;
        var historyPath = args.Required(AnalyzerFlags.Cluster.History)!;
        var output = args.Required(AnalyzerFlags.Cluster.PlanOutput)!;
        var statePath = args.Get(AnalyzerFlags.Cluster.State) ?? PlannerStateFile.DefaultPathFor(output);
        var writeBack = InfluxWriteBackOptions.Parse(args, Environment.GetEnvironmentVariable, null);
        var policyFlags = PolicyFields.Overrides(args);
        args.EnsureAllUsed();

        var inputs = AnalysisInputs.Load(clusterPath, historyPath);
        foreach (var w in inputs.Warnings)
        {
            await context.Error.WriteLineAsync("warning: " + w).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var state = PlannerStateFile.Load(statePath, out var stateWarning);
        if (stateWarning is not null)
        {
            await context.Error.WriteLineAsync("warning: " + stateWarning).ConfigureAwait(false);
        }

        var snapshot = inputs.Cluster.Snapshot;
        if (policyFlags is not null)
        {
            snapshot = snapshot with { Policy = policyFlags(snapshot.Policy) };
            if (snapshot.Policy.Validate() is { } policyError)
            {
                throw new UsageException($"{clusterPath} with the policy flags: {policyError}");
            }
        }

        var hotspots = new HotspotDetector().Detect(snapshot, inputs.History);
        var plan = new MigrationPlanner().Plan(snapshot, inputs.History, state);
        var document = new PlanDocument(plan.PlanTime, plan.HorizonHours, plan.Forecaster, plan.Summary, plan.Moves, plan.HostsBefore, plan.HostsAfter, plan.Issues, hotspots);
        AnalysisJson.WriteAtomically(output, AnalysisJson.Serialize(document));
        PlannerStateFile.Save(statePath, plan.State);
        await context.Out.WriteAsync(Describe(plan, hotspots, output, statePath)).ConfigureAwait(false);
        return await CommandWriteBack.WriteAsync(writeBack, w => w.Plan(plan, hotspots), context.Error, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The human summary printed on stdout.</summary>
    public static string Describe(MigrationPlan plan, HotspotReport hotspots, string output, string statePath)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(hotspots);
        var c = CultureInfo.InvariantCulture;
        var s = plan.Summary;
        var sb = new StringBuilder();
        var when = DateTimeOffset.FromUnixTimeSeconds(plan.PlanTime).ToString("yyyy-MM-dd HH:mm", c);
        sb.Append(c, $"plan for {when} UTC, next {plan.HorizonHours} h ({plan.Forecaster}): {s.Moves} move{(s.Moves == 1 ? "" : "s")} ({s.MandatoryMoves} mandatory), ");
        sb.Append(c, $"expected hot host-hours {s.ExpectedHotHoursBefore:0.#} -> {s.ExpectedHotHoursAfter:0.#}, hot hosts {s.HotHostsBefore} -> {s.HotHostsAfter}, {s.TransferBytes / 1073741824.0:0.#} GiB to copy\n");
        foreach (var m in plan.Moves)
        {
            sb.Append(c, $"  {m.Order}. {m.Vm}: {m.From} -> {m.To} [{m.Kind}] {m.Reason}\n");
            sb.Append(c, $"     {m.Why}\n");
            if (m.Alternative is { } alt)
            {
                sb.Append(c, $"     rejected: {alt.Vm} -> {alt.To}: {alt.Reason}\n");
            }
        }

        foreach (var issue in plan.Issues)
        {
            sb.Append(c, $"  ! {issue.Kind}: {issue.Message}\n");
        }

        var active = hotspots.Findings.Where(f => f.End is null).ToArray();
        sb.Append(c, $"hotspots: {active.Length} active ({string.Join(", ", active.Select(f => $"{f.Host} {f.Rule}"))}), {hotspots.Findings.Count - active.Length} resolved in the last day");
        if (hotspots.NoisyNeighbours.Count > 0)
        {
            sb.Append(c, $"; noisy neighbours: {string.Join(", ", hotspots.NoisyNeighbours.Where(n => n.Rank == 1).Select(n => $"{n.Vm} on {n.Host}"))}");
        }

        sb.Append(c, $"\nwrote {output} (state: {statePath})\n");
        return sb.ToString();
    }
}

/// <summary>The <c>plan</c> command's output file.</summary>
/// <param name="PlanTime">Unix seconds the plan is for.</param>
/// <param name="HorizonHours">Forecast horizon.</param>
/// <param name="Forecaster">Demand model.</param>
/// <param name="Summary">Totals.</param>
/// <param name="Moves">Ordered moves with explanations.</param>
/// <param name="HostsBefore">Per-host forecast load without the plan.</param>
/// <param name="HostsAfter">Per-host forecast load with the plan.</param>
/// <param name="Issues">What could not be done.</param>
/// <param name="Hotspots">Current and forecast hotspots, noisy neighbours.</param>
public sealed record PlanDocument(
    long PlanTime, int HorizonHours, string Forecaster, PlanSummary Summary, IReadOnlyList<PlannedMove> Moves,
    IReadOnlyList<HostLoad> HostsBefore, IReadOnlyList<HostLoad> HostsAfter, IReadOnlyList<PlanIssue> Issues, HotspotReport Hotspots);
