using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Planning.Bench;

/// <summary>
/// <c>bench-planner</c>: the planner benchmark of docs/planning.md. Builds the fixed scenarios from the Bitbrains
/// traces, runs the no-migration baseline, the Watcher-style greedy and the planner, and scores each on the real
/// next 7 days. Internal tooling, run by bench/planner/run.sh.
/// </summary>
public sealed class BenchPlannerCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "bench-planner";

    /// <inheritdoc />
    public string Summary => "(internal) planner benchmark on the Bitbrains traces; see bench/planner/run.sh";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var data = args.Required("data", "directory with the Bitbrains 2013-M-ID.csv.gz files");
        var only = args.Int("scenario", 0, 0, ScenarioBuilder.Default.Count);
        var export = args.String("export");
        var seedOffset = args.Int("seed-offset", 0, 0, 1_000_000);
        var forecaster = args.String("forecaster", "same-hour") switch
        {
            "same-hour" => (IDemandForecaster)new SameHourQuantileForecaster(),
            "engine" => new ForecastEngineDemandForecaster(),
            var other => throw new UsageException($"--forecaster must be same-hour or engine, got '{other}'"),
        };
        args.EnsureAllUsed();
        if (!Directory.Exists(data))
        {
            throw new UsageException($"--data '{data}' is not a directory");
        }

        var watch = Stopwatch.StartNew();
        var loaded = new BitbrainsVm?[241];
        Parallel.For(1, 241, new ParallelOptions { CancellationToken = cancellationToken }, id => loaded[id] = BitbrainsTrace.Load(data, id));
        var pool = loaded.OfType<BitbrainsVm>().ToList();

        var o = context.Out;
        await o.WriteLineAsync(F($"loaded {pool.Count} VMs in {watch.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
        int baseHot = 0, greedyHot = 0, greedyMoves = 0, greedyViol = 0, planHot = 0, planMoves = 0, planViol = 0;
        var planner = new MigrationPlanner(forecaster);
        await o.WriteLineAsync($"planner demand model: {forecaster.Name}").ConfigureAwait(false);
        await o.WriteLineAsync("| # | plan time (UTC) | VMs | hosts x cores | overcommit | cap | none: hot h | greedy: moves / hot h / viol | planner: moves / hot h / viol |").ConfigureAwait(false);
        await o.WriteLineAsync("|---|---|---|---|---|---|---|---|---|").ConfigureAwait(false);
        foreach (var spec in ScenarioBuilder.Default.Where(s => only == 0 || s.Seed == only))
        {
            var scenario = ScenarioBuilder.Build(spec with { Seed = spec.Seed + seedOffset }, pool);
            if (export is not null)
            {
                Export(scenario, Path.Combine(export, F($"scenario{spec.Seed}")));
            }

            var snapshot = scenario.Snapshot;
            var history = new ClusterHistory(scenario.History);
            var none = PlanScorer.Score(snapshot, scenario.FullCpu, []);
            var greedy = PlanScorer.Score(snapshot, scenario.FullCpu, WatcherStyleGreedy.Plan(snapshot, history));
            var plan = planner.Plan(snapshot, history, PlannerState.Empty);
            var ours = PlanScorer.Score(snapshot, scenario.FullCpu, plan.Moves.Select(m => (m.Vm, m.From, m.To)));
            baseHot += none.HotHostHours;
            greedyHot += greedy.HotHostHours;
            greedyMoves += greedy.Migrations;
            greedyViol += greedy.Violations;
            planHot += ours.HotHostHours;
            planMoves += ours.Migrations;
            planViol += ours.Violations;
            var when = DateTimeOffset.FromUnixTimeSeconds(snapshot.PlanTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            await o.WriteLineAsync(F($"| {spec.Seed} | {when} | {snapshot.Vms.Count} | {snapshot.Hosts.Count} x {spec.HostCores} | {spec.VcpuOvercommit}:1 | {spec.MaxMigrations} | {none.HotHostHours} | {greedy.Migrations} / {greedy.HotHostHours} / {greedy.Violations} | {ours.Migrations} / {ours.HotHostHours} / {ours.Violations} |")).ConfigureAwait(false);
        }

        await o.WriteLineAsync(F($"| **sum** | | | | | | **{baseHot}** | **{greedyMoves} / {greedyHot} / {greedyViol}** | **{planMoves} / {planHot} / {planViol}** |")).ConfigureAwait(false);
        var ratio = greedyHot == 0 ? double.NaN : (double)planHot / greedyHot;
        await o.WriteLineAsync(F($"planner/greedy hot host-hours: {ratio:0.000} (target <= 0.6); migrations {planMoves} vs {greedyMoves} (target <=); violations {planViol} (target 0); {watch.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Writes the scenario as the plan command's inputs: cluster.json and history.csv (history before plan time only).</summary>
    private static void Export(BenchScenario scenario, string directory)
    {
        Directory.CreateDirectory(directory);
        var s = scenario.Snapshot;
        var cluster = new
        {
            hosts = s.Hosts.Select(h => new { name = h.Name, cpuCores = h.CpuCores, memoryBytes = h.MemoryBytes }),
            vms = s.Vms.Select(v => new { name = v.Name, host = v.Host, vcpus = v.Vcpus, memoryBytes = v.MemoryBytes }),
            constraints = new { antiAffinity = s.Constraints.AntiAffinity, pinned = s.Constraints.Pinned },
            policy = new { cpuHighWatermark = s.Policy.CpuHighWatermark, maxMigrations = s.Policy.MaxMigrations },
            planTime = s.PlanTime,
        };
        AnalysisJson.WriteAtomically(Path.Combine(directory, "cluster.json"), AnalysisJson.Serialize(cluster));
        using var writer = new StreamWriter(Path.Combine(directory, "history.csv"));
        Data.HistoryCsv.Write(writer, scenario.History);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
