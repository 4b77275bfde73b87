using KvmMetrics.Analysis.Policy;
using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;
using KvmMetrics.Analyzer.Planning;

namespace KvmMetrics.Bench.Planner;

/// <summary>
/// <c>bench-planner</c>: the planner benchmark of docs/planning.md. Builds the fixed scenarios from the Bitbrains
/// traces, runs the no-migration baseline, the Watcher-style greedy and the planner, and scores each on the real
/// next 7 days. With several seed offsets (other VM samples under the same rules) it prints one table per offset and
/// a summary with per-offset and total ratios. Internal tooling, run by bench/planner/run.sh.
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
        var planDays = args.Int("plan-day-offset", 0, -20, 5);
        var offsets = ParseOffsets(args.String("seed-offsets")) ?? [seedOffset];
        var overrides = args.String("policy");
        var diagnose = args.Flag("diagnose");
        var oracle = !args.Flag("no-oracle");
        var scenarioDays = args.Int("scenario-days", new SameHourQuantileForecaster().ScenarioDays, 2, 28);
        var forecaster = args.String("forecaster", "same-hour") switch
        {
            "same-hour" => (IDemandForecaster)new SameHourQuantileForecaster { ScenarioDays = scenarioDays },
            "engine" => new ForecastEngineDemandForecaster { ScenarioDays = scenarioDays },
            "engine-quantiles" => new ForecastEngineDemandForecaster { JointScenarios = false },
            var other => throw new UsageException($"--forecaster must be same-hour, engine or engine-quantiles, got '{other}'"),
        };
        args.EnsureAllUsed();
        if (!Directory.Exists(data))
        {
            throw new UsageException($"--data '{data}' is not a directory");
        }

        var watch = Stopwatch.StartNew();
        var loaded = new BitbrainsVm?[241];
        Parallel.For(1, 241, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = 1 }, id => loaded[id] = BitbrainsTrace.Load(data, id));
        var pool = loaded.OfType<BitbrainsVm>().ToList();

        var o = context.Out;
        await o.WriteLineAsync(F($"loaded {pool.Count} VMs in {watch.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
        var planner = new MigrationPlanner(forecaster);
        await o.WriteLineAsync(F($"planner demand model: {forecaster.Name}, {scenarioDays} scenario days; plan days shifted by {planDays:+0;-0;0}; horizon {ClusterPolicy.Default.HorizonHours} h") + (overrides is null ? "" : $"; policy overrides: {overrides}")).ConfigureAwait(false);
        var totals = new List<(int Offset, Totals T)>();
        foreach (var offset in offsets)
        {
            await o.WriteLineAsync().ConfigureAwait(false);
            await o.WriteLineAsync(F($"seed offset {offset}:")).ConfigureAwait(false);
            await o.WriteLineAsync("| # | plan time (UTC) | VMs | hosts x cores | overcommit | cap | none: hot h | bound | oracle: moves / hot h | greedy: moves / hot h / viol | planner: moves / hot h / viol |").ConfigureAwait(false);
            await o.WriteLineAsync("|---|---|---|---|---|---|---|---|---|---|---|").ConfigureAwait(false);
            var t = new Totals();
            foreach (var spec in ScenarioBuilder.Default.Where(s => only == 0 || s.Seed == only))
            {
                var scenario = ScenarioBuilder.Build(spec with { Seed = spec.Seed + offset, PlanDay = spec.PlanDay + planDays }, pool);
                if (overrides is not null)
                {
                    scenario = scenario with { Snapshot = scenario.Snapshot with { Policy = ApplyOverrides(scenario.Snapshot.Policy, overrides) } };
                }

                if (export is not null)
                {
                    Export(scenario, Path.Combine(export, offsets.Length == 1 ? F($"scenario{spec.Seed}") : F($"offset{offset}-scenario{spec.Seed}")));
                }

                var snapshot = scenario.Snapshot;
                var history = new ClusterHistory(scenario.History);
                var none = PlanScorer.Score(snapshot, scenario.FullCpu, []);
                var bound = PlanScorer.LowerBound(snapshot, scenario.FullCpu);
                var greedy = PlanScorer.Score(snapshot, scenario.FullCpu, WatcherStyleGreedy.Plan(snapshot, history));
                var plan = planner.Plan(snapshot, history, PlannerState.Empty);
                var ours = PlanScorer.Score(snapshot, scenario.FullCpu, plan.Moves.Select(m => (m.Vm, m.From, m.To)));
                PlanScore? best = null;
                if (oracle)
                {
                    var oracleSnapshot = snapshot with { Policy = snapshot.Policy with { HorizonHours = PlanScorer.Hours } };
                    var oraclePlan = new MigrationPlanner(new OracleForecaster(scenario.FullCpu)).Plan(oracleSnapshot, history, PlannerState.Empty);
                    best = PlanScorer.Score(snapshot, scenario.FullCpu, oraclePlan.Moves.Select(m => (m.Vm, m.From, m.To)));
                }

                t.Add(none, bound, best, greedy, ours);
                var when = DateTimeOffset.FromUnixTimeSeconds(snapshot.PlanTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                var oracleCell = best is null ? "-" : F($"{best.Migrations} / {best.HotHostHours}");
                await o.WriteLineAsync(F($"| {spec.Seed} | {when} | {snapshot.Vms.Count} | {snapshot.Hosts.Count} x {spec.HostCores} | {spec.VcpuOvercommit}:1 | {snapshot.Policy.MaxMigrations} | {none.HotHostHours} | {bound} | {oracleCell} | {greedy.Migrations} / {greedy.HotHostHours} / {greedy.Violations} | {ours.Migrations} / {ours.HotHostHours} / {ours.Violations} |")).ConfigureAwait(false);
                if (diagnose)
                {
                    foreach (var line in PlanScorer.Diagnose(snapshot, scenario.FullCpu, plan))
                    {
                        await o.WriteLineAsync("    " + line).ConfigureAwait(false);
                    }
                }
            }

            await o.WriteLineAsync(F($"| **sum** | | | | | | **{t.Base}** | **{t.Bound}** | **{t.OracleCell}** | **{t.GreedyMoves} / {t.GreedyHot} / {t.GreedyViol}** | **{t.PlanMoves} / {t.PlanHot} / {t.PlanViol}** |")).ConfigureAwait(false);
            await o.WriteLineAsync(F($"planner/greedy hot host-hours: {t.Ratio:0.000} (target <= 0.5); migrations {t.PlanMoves} vs {t.GreedyMoves} (target <=); violations {t.PlanViol} (target 0)")).ConfigureAwait(false);
            totals.Add((offset, t));
        }

        if (totals.Count > 1)
        {
            await o.WriteLineAsync().ConfigureAwait(false);
            await o.WriteLineAsync("| seed offset | none: hot h | bound | oracle: moves / hot h | greedy: moves / hot h / viol | planner: moves / hot h / viol | planner/greedy hot h |").ConfigureAwait(false);
            await o.WriteLineAsync("|---|---|---|---|---|---|---|").ConfigureAwait(false);
            var all = new Totals();
            foreach (var (offset, t) in totals)
            {
                all.Add(t);
                await o.WriteLineAsync(F($"| {offset} | {t.Base} | {t.Bound} | {t.OracleCell} | {t.GreedyMoves} / {t.GreedyHot} / {t.GreedyViol} | {t.PlanMoves} / {t.PlanHot} / {t.PlanViol} | {t.Ratio:0.000} |")).ConfigureAwait(false);
            }

            await o.WriteLineAsync(F($"| **all** | **{all.Base}** | **{all.Bound}** | **{all.OracleCell}** | **{all.GreedyMoves} / {all.GreedyHot} / {all.GreedyViol}** | **{all.PlanMoves} / {all.PlanHot} / {all.PlanViol}** | **{all.Ratio:0.000}** |")).ConfigureAwait(false);
            await o.WriteLineAsync(F($"total planner/greedy hot host-hours: {all.Ratio:0.000} (target <= 0.5); worst offset {totals.Max(x => x.T.Ratio):0.000}; migrations {all.PlanMoves} vs {all.GreedyMoves}; violations {all.PlanViol}")).ConfigureAwait(false);
        }

        await o.WriteLineAsync(F($"{watch.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
        return 0;
    }

    private static int[]? ParseOffsets(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] > 1_000_000)
            {
                throw new UsageException($"--seed-offsets must be a comma-separated list of integers from 0 to 1000000, got '{text}'");
            }
        }

        return result.Length == 0 ? throw new UsageException("--seed-offsets needs at least one offset") : result;
    }

    /// <summary>Applies <c>name=value,...</c> overrides (camelCase names of any <see cref="PolicyFields"/> field) for tuning runs.</summary>
    private static ClusterPolicy ApplyOverrides(ClusterPolicy policy, string text)
    {
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                throw new UsageException($"--policy expects name=value pairs, got '{pair}'");
            }

            var field = PolicyFields.All.FirstOrDefault(f => f.Name == kv[0])
                ?? throw new UsageException($"--policy: unknown field '{kv[0]}' (known: {string.Join(", ", PolicyFields.All.Select(f => f.Name))})");
            policy = field.Set(policy, v);
        }

        return policy.Validate() is { } error ? throw new UsageException(error) : policy;
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
        HistoryCsv.Write(writer, scenario.History);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class Totals
    {
        public int Base { get; private set; }

        public int Bound { get; private set; }

        public int? OracleHot { get; private set; } = 0;

        public int OracleMoves { get; private set; }

        public int GreedyHot { get; private set; }

        public int GreedyMoves { get; private set; }

        public int GreedyViol { get; private set; }

        public int PlanHot { get; private set; }

        public int PlanMoves { get; private set; }

        public int PlanViol { get; private set; }

        public double Ratio => GreedyHot == 0 ? double.NaN : (double)PlanHot / GreedyHot;

        public string OracleCell => OracleHot is null ? "-" : F($"{OracleMoves} / {OracleHot}");

        /// <summary>Adds one scenario's scores (a missing oracle makes the oracle total unknown).</summary>
        public void Add(PlanScore none, int bound, PlanScore? oracle, PlanScore greedy, PlanScore ours) => Add(new Totals
        {
            Base = none.HotHostHours,
            Bound = bound,
            OracleHot = oracle?.HotHostHours,
            OracleMoves = oracle?.Migrations ?? 0,
            GreedyHot = greedy.HotHostHours,
            GreedyMoves = greedy.Migrations,
            GreedyViol = greedy.Violations,
            PlanHot = ours.HotHostHours,
            PlanMoves = ours.Migrations,
            PlanViol = ours.Violations,
        });

        public void Add(Totals t)
        {
            Base += t.Base;
            Bound += t.Bound;
            OracleHot = t.OracleHot is null ? null : OracleHot + t.OracleHot;
            OracleMoves += t.OracleMoves;
            GreedyHot += t.GreedyHot;
            GreedyMoves += t.GreedyMoves;
            GreedyViol += t.GreedyViol;
            PlanHot += t.PlanHot;
            PlanMoves += t.PlanMoves;
            PlanViol += t.PlanViol;
        }
    }
}
