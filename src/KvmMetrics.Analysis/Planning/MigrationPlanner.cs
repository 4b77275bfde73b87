using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Turns a cluster snapshot and per-VM history into an ordered list of live migrations: mandatory moves
/// first (drain, anti-affinity), then a greedy best-improvement search on forecast demand scenarios, each move
/// gated by a minimum net benefit, a move cap, per-VM cooldown and a reverse-move window. Pure and deterministic.
/// </summary>
public sealed class MigrationPlanner
{
    private readonly IDemandForecaster _forecaster;

    /// <summary>Creates a planner with the given demand forecaster (default: <see cref="SameHourQuantileForecaster"/>).</summary>
    public MigrationPlanner(IDemandForecaster? forecaster = null) => _forecaster = forecaster ?? new SameHourQuantileForecaster();

    /// <summary>Plans; the snapshot must be valid (see <see cref="ClusterValidator"/>).</summary>
    /// <exception cref="ArgumentException">The snapshot is invalid.</exception>
    public MigrationPlan Plan(ClusterSnapshot snapshot, ClusterHistory history, PlannerState state)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(state);
        var errors = ClusterValidator.Validate(snapshot);
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid cluster snapshot: " + string.Join("; ", errors), nameof(snapshot));
        }

        var policy = snapshot.Policy;
        var issues = new List<PlanIssue>();
        var forecasts = snapshot.Vms
            .Select(v => _forecaster.Forecast(v.Name, history.Get(v.Name, ClusterMetrics.CpuCores), snapshot.PlanTime, policy.HorizonHours, v.Vcpus))
            .ToArray();
        foreach (var f in forecasts.Where(f => !f.HasHistory))
        {
            issues.Add(new PlanIssue("no-history", f.Vm, $"no {ClusterMetrics.CpuCores} history for {f.Vm} in the last days before plan time: its demand is assumed to be its full vCPU allocation"));
        }

        var model = new LoadModel(snapshot, forecasts);
        var initialPlacement = model.Placement.ToArray();
        var hostsBefore = Enumerable.Range(0, model.Hosts.Length).Select(model.Load).ToArray();
        var steps = new List<Step>();

        Drain(model, state, steps, issues);
        FixAntiAffinity(model, state, steps, issues);
        Balance(model, state, steps, issues);

        var hostsAfter = Enumerable.Range(0, model.Hosts.Length).Select(model.Load).ToArray();
        var moves = Finalise(snapshot, forecasts, history, initialPlacement, steps, issues);
        var nextState = NextState(state, snapshot, moves);
        var summary = new PlanSummary(
            moves.Count,
            moves.Count(m => m.Mandatory),
            LoadModel.Round(hostsBefore.Sum(h => h.ExpectedHotHours)),
            LoadModel.Round(hostsAfter.Sum(h => h.ExpectedHotHours)),
            moves.Sum(m => m.Cost.TransferBytes),
            hostsBefore.Count(h => h.PeakP95Fraction > policy.CpuHighWatermark),
            hostsAfter.Count(h => h.PeakP95Fraction > policy.CpuHighWatermark));
        return new MigrationPlan(snapshot.PlanTime, policy.HorizonHours, _forecaster.Name, moves, hostsBefore, hostsAfter, issues, summary, nextState);
    }

    private static int Displaced(LoadModel model, IEnumerable<Step> steps) =>
        steps.Select(s => s.Vm).Distinct().Count(v => model.Placement[v] != model.HostIndex[model.Vms[v].Host]);

    private static bool CapReached(LoadModel model, List<Step> steps, int vm) =>
        model.Placement[vm] == model.HostIndex[model.Vms[vm].Host] && Displaced(model, steps) >= model.Snapshot.Policy.MaxMigrations;

    private static void Drain(LoadModel model, PlannerState state, List<Step> steps, List<PlanIssue> issues)
    {
        for (var host = 0; host < model.Hosts.Length; host++)
        {
            if (!model.Draining[host])
            {
                continue;
            }

            var residents = Enumerable.Range(0, model.Vms.Length)
                .Where(v => model.Placement[v] == host)
                .OrderByDescending(v => model.Vms[v].MemoryBytes).ThenBy(v => model.Vms[v].Name, StringComparer.Ordinal)
                .ToArray();
            foreach (var vm in residents)
            {
                var name = model.Vms[vm].Name;
                if (model.Pinned[vm])
                {
                    issues.Add(new PlanIssue("drain", name, $"{name} is pinned to {model.Hosts[host].Name}, which is being drained: unpin it or cancel the drain"));
                    continue;
                }

                if (CapReached(model, steps, vm))
                {
                    issues.Add(new PlanIssue("move-cap", name, $"draining {model.Hosts[host].Name} needs more than maxMigrations={model.Snapshot.Policy.MaxMigrations} moves: {name} stays for the next run (raise policy.maxMigrations to drain in one plan)"));
                    continue;
                }

                var best = BestTarget(model, state, vm, mandatory: true, out var alternative);
                if (best is null)
                {
                    issues.Add(new PlanIssue("drain", name, $"no host can take {name} off {model.Hosts[host].Name}: {alternative?.Reason ?? "no other host"}"));
                    continue;
                }

                var trigger = model.Hosts[host].Maintenance
                    ? $"host {model.Hosts[host].Name} has maintenance=true"
                    : $"host {model.Hosts[host].Name} is listed in constraints.drain";
                Apply(model, steps, new Step(vm, host, best.Value.To, MoveKind.Drain, trigger,
                    $"evacuate {name} from {model.Hosts[host].Name} to the host where it adds the least forecast load", best.Value.Benefit, alternative));
            }
        }
    }

    private static void FixAntiAffinity(LoadModel model, PlannerState state, List<Step> steps, List<PlanIssue> issues)
    {
        // Re-evaluate after every move: fixing one group may change where another group's members can go.
        for (var guard = 0; guard < model.Vms.Length + 1; guard++)
        {
            var violation = model.AntiAffinityViolations().FirstOrDefault();
            if (violation.Vms is null)
            {
                return;
            }

            var hostName = model.Hosts[violation.Host].Name;
            var members = string.Join(", ", violation.Vms.Select(v => model.Vms[v].Name));
            var movable = violation.Vms.Where(v => !model.Pinned[v] && !CapReached(model, steps, v)).ToArray();
            Candidate? best = null;
            RejectedAlternative? runnerUp = null;
            foreach (var vm in movable)
            {
                var target = BestTarget(model, state, vm, mandatory: true, out var alt);
                if (target is null)
                {
                    runnerUp ??= alt;
                    continue;
                }

                if (best is null || target.Value.Benefit > best.Value.Benefit + 1e-12)
                {
                    if (best is not null)
                    {
                        runnerUp = new RejectedAlternative(model.Vms[best.Value.Vm].Name, model.Hosts[best.Value.To].Name, LoadModel.Round(best.Value.Benefit),
                            LoadModel.Invariant($"moving {model.Vms[best.Value.Vm].Name} instead gains less ({best.Value.Benefit:0.###} vs {target.Value.Benefit:0.###})"));
                    }

                    best = target;
                }
                else
                {
                    runnerUp ??= new RejectedAlternative(model.Vms[vm].Name, model.Hosts[target.Value.To].Name, LoadModel.Round(target.Value.Benefit),
                        LoadModel.Invariant($"moving {model.Vms[vm].Name} instead gains less ({target.Value.Benefit:0.###} vs {best.Value.Benefit:0.###})"));
                }
            }

            if (best is null)
            {
                var why = movable.Length == 0
                    ? "every member there is pinned or the move cap is reached"
                    : $"no host can take one of them ({runnerUp?.Reason ?? "no other host"})";
                issues.Add(new PlanIssue("anti-affinity", hostName, $"anti-affinity group [{string.Join(", ", model.Group(violation.Group))}] has {members} together on {hostName} and it cannot be fixed: {why}"));
                return;
            }

            var b = best.Value;
            Apply(model, steps, new Step(b.Vm, violation.Host, b.To, MoveKind.AntiAffinity,
                $"anti-affinity group [{string.Join(", ", model.Group(violation.Group))}]: {members} share {hostName}",
                $"separate {model.Vms[b.Vm].Name} from its anti-affinity peers", b.Benefit, runnerUp));
        }
    }

    private static void Balance(LoadModel model, PlannerState state, List<Step> steps, List<PlanIssue> issues)
    {
        var policy = model.Snapshot.Policy;
        var minBenefit = Math.Max(policy.MinBenefit, 1e-9);
        for (var guard = 0; guard < policy.MaxMigrations + model.Vms.Length; guard++)
        {
            var sequence = SearchSequence(model, state, steps, minBenefit);
            if (sequence.Count == 0)
            {
                break;
            }

            var total = SequenceBenefit(model, state, sequence) ?? 0;
            for (var i = 0; i < sequence.Count; i++)
            {
                var (vm, to) = sequence[i];
                ExplainAndApply(model, state, steps, vm, to, sequence.Count, i, total);
            }
        }

        var scan = ScanSingles(model, state, steps);
        if (scan.Blocked is { } b && b.C.Benefit >= minBenefit && b.Why.Reason == MoveBlockReason.MoveCap)
        {
            issues.Add(new PlanIssue("move-cap", model.Vms[b.C.Vm].Name, LoadModel.Invariant(
                $"more moves would help (next: {model.Vms[b.C.Vm].Name} to {model.Hosts[b.C.To].Name}, net benefit {b.C.Benefit:0.###}) but policy.maxMigrations={policy.MaxMigrations} is reached; the next run continues")));
        }
    }

    /// <summary>Explains one move of the chosen sequence in the state just before it, then applies it.</summary>
    private static void ExplainAndApply(LoadModel model, PlannerState state, List<Step> steps, int vm, int to, int count, int index, double total)
    {
        var policy = model.Snapshot.Policy;
        var benefit = model.Benefit(vm, to, out _);
        var scan = ScanSingles(model, state, steps, exclude: (vm, to));
        var inSequence = count > 1
            ? LoadModel.Invariant($"; move {index + 1} of a sequence of {count} whose net benefit together is {total:0.###} (at least {count} x policy.minBenefit={policy.MinBenefit:0.###})")
            : "";
        RejectedAlternative? alternative = null;
        if (scan.Blocked is { } blocked && blocked.C.Benefit > benefit && (scan.Best is null || blocked.C.Benefit > scan.Best.Value.Benefit))
        {
            var c = blocked.C;
            alternative = new RejectedAlternative(model.Vms[c.Vm].Name, model.Hosts[c.To].Name, LoadModel.Round(c.Benefit),
                LoadModel.Invariant($"would gain more ({c.Benefit:0.###}) but is not allowed: {blocked.Why.Message}"), blocked.Why.Reason);
        }
        else if (scan.Best is { } c)
        {
            var why = c.Benefit > benefit
                ? LoadModel.Invariant($"gains more on its own ({c.Benefit:0.###} vs {benefit:0.###}), but no sequence through it found by the search gains as much as the chosen one ({total:0.###})")
                : LoadModel.Invariant($"lower net benefit ({c.Benefit:0.###} vs {benefit:0.###})") +
                  (c.Benefit < policy.MinBenefit ? LoadModel.Invariant($", below policy.minBenefit={policy.MinBenefit:0.###}") : "");
            alternative = new RejectedAlternative(model.Vms[c.Vm].Name, model.Hosts[c.To].Name, LoadModel.Round(c.Benefit), why);
        }

        var from = model.Placement[vm];
        var load = model.Load(from);
        var hot = load.ExpectedHotHours > 0.05;
        var wm = policy.CpuHighWatermark;
        var trigger = hot
            ? LoadModel.Invariant($"{load.Host}: sum of its VMs' {ClusterMetrics.CpuCores} forecast p95 peaks at {load.PeakP95Cores:0.##} of {load.CpuCores:0.##} cores ({load.PeakP95Fraction:0%}) above the {wm:0%} watermark, {load.ExpectedHotHours:0.#} expected hot hours in the next {model.H} h")
            : LoadModel.Invariant($"{load.Host}: sum of its VMs' {ClusterMetrics.CpuCores} forecast p95 peaks at {load.PeakP95Fraction:0%} of its cores, under the {wm:0%} watermark, but evening out load gains {benefit:0.###}") +
              (count > 1 ? LoadModel.Invariant($" ({total:0.###} with the rest of its sequence) > policy.minBenefit={policy.MinBenefit:0.###}") : LoadModel.Invariant($" > policy.minBenefit={policy.MinBenefit:0.###}"));
        var reason = hot
            ? $"relieve forecast hotspot on {load.Host} by moving {model.Vms[vm].Name} to {model.Hosts[to].Name}{inSequence}"
            : $"even out forecast load by moving {model.Vms[vm].Name} to {model.Hosts[to].Name}{inSequence}";
        Apply(model, steps, new Step(vm, from, to, hot ? MoveKind.Hotspot : MoveKind.Balance, trigger, reason, benefit, alternative));
    }

    /// <summary>
    /// Beam search over sequences of optional moves from the current state. A sequence's value is the objective
    /// decrease minus migration costs minus <paramref name="minBenefit"/> per move, so every move has to earn the
    /// minimum benefit at the margin, but a move that only pays off together with a later one can be chosen. The best
    /// sequence of any length (empty when none has a positive value) is returned, with moves that do not pay their way
    /// removed. Deterministic: ties break on the move list.
    /// </summary>
    private static List<(int Vm, int To)> SearchSequence(LoadModel model, PlannerState state, List<Step> steps, double minBenefit)
    {
        var policy = model.Snapshot.Policy;
        var budget = policy.MaxMigrations - Displaced(model, steps);
        var width = policy.SearchBeamWidth;
        var maxDepth = Math.Min(MaxSequenceLength, model.Vms.Length);
        var beam = new List<Node> { new([], 0, 0) };
        var best = beam[0];
        var hostScores = new double[model.Hosts.Length];
        for (var depth = 0; depth < maxDepth && beam.Count > 0; depth++)
        {
            var children = new List<Node>();
            foreach (var node in beam)
            {
                var undo = new List<(int Vm, int From)>(node.Moves.Length);
                foreach (var (vm, to) in node.Moves)
                {
                    undo.Add((vm, model.Placement[vm]));
                    model.Move(vm, to);
                }

                for (var h = 0; h < hostScores.Length; h++)
                {
                    hostScores[h] = model.Score(h);
                }

                for (var vm = 0; vm < model.Vms.Length; vm++)
                {
                    var from = model.Placement[vm];
                    if (model.Draining[from] || model.Pinned[vm] || Array.Exists(node.Moves, m => m.Vm == vm))
                    {
                        continue;
                    }

                    var atOrigin = from == model.HostIndex[model.Vms[vm].Host];
                    if (atOrigin && node.Used >= budget)
                    {
                        continue;
                    }

                    var without = model.ScoreWith(from, vm, -1);
                    var penalty = model.Cost(vm).Penalty;
                    for (var to = 0; to < model.Hosts.Length; to++)
                    {
                        if (to == from || !model.Allowed(vm, to, mandatory: false, state))
                        {
                            continue;
                        }

                        var delta = hostScores[from] + hostScores[to] - without - model.ScoreWith(to, vm, +1) - penalty;
                        children.Add(new Node([.. node.Moves, (vm, to)], node.Value - delta + minBenefit, node.Used + (atOrigin ? 1 : 0)));
                    }
                }

                for (var i = undo.Count - 1; i >= 0; i--)
                {
                    model.Move(undo[i].Vm, undo[i].From);
                }
            }

            children.Sort(CompareNodes);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            beam = [];
            foreach (var child in children)
            {
                if (seen.Add(child.Key))
                {
                    beam.Add(child);
                    if (beam.Count >= width)
                    {
                        break;
                    }
                }
            }

            if (beam.Count > 0 && CompareNodes(beam[0], best) < 0)
            {
                best = beam[0];
            }
        }

        if (best.Value >= 0)
        {
            return [];
        }

        // Drop moves that the rest of the sequence does not need (the beam may carry a passenger).
        var moves = best.Moves.ToList();
        var value = best.Value;
        for (var changed = true; changed && moves.Count > 1;)
        {
            changed = false;
            for (var i = 0; i < moves.Count; i++)
            {
                var shorter = moves.Where((_, j) => j != i).ToList();
                if (SequenceBenefit(model, state, shorter) is { } b && (shorter.Count * minBenefit) - b <= value + 1e-12)
                {
                    moves = shorter;
                    value = (shorter.Count * minBenefit) - b;
                    changed = true;
                    break;
                }
            }
        }

        return moves;
    }

    /// <summary>Objective decrease minus costs of applying the moves in order; null when one is not allowed on the way.</summary>
    private static double? SequenceBenefit(LoadModel model, PlannerState state, IReadOnlyList<(int Vm, int To)> moves)
    {
        var undo = new List<(int Vm, int From)>(moves.Count);
        double total = 0;
        var ok = true;
        foreach (var (vm, to) in moves)
        {
            if (!model.Allowed(vm, to, mandatory: false, state))
            {
                ok = false;
                break;
            }

            total += model.Benefit(vm, to, out _);
            undo.Add((vm, model.Placement[vm]));
            model.Move(vm, to);
        }

        for (var i = undo.Count - 1; i >= 0; i--)
        {
            model.Move(undo[i].Vm, undo[i].From);
        }

        return ok ? total : null;
    }

    private static int CompareNodes(Node a, Node b)
    {
        var c = a.Value.CompareTo(b.Value);
        if (c != 0)
        {
            return c;
        }

        c = a.Moves.Length.CompareTo(b.Moves.Length);
        return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
    }

    /// <summary>Best feasible single optional move (except <paramref name="exclude"/>) and best blocked one, in the current state.</summary>
    private static (Candidate? Best, (Candidate C, MoveBlock Why)? Blocked) ScanSingles(LoadModel model, PlannerState state, List<Step> steps, (int Vm, int To)? exclude = null)
    {
        var policy = model.Snapshot.Policy;
        var sourceScores = Enumerable.Range(0, model.Hosts.Length).Select(model.Score).ToArray();
        Candidate? best = null;
        (Candidate C, MoveBlock Why)? bestBlocked = null;
        for (var vm = 0; vm < model.Vms.Length; vm++)
        {
            var from = model.Placement[vm];
            if (model.Draining[from])
            {
                continue;
            }

            var without = model.ScoreWith(from, vm, -1);
            var cost = model.Cost(vm);
            var capBlocked = CapReached(model, steps, vm);
            for (var to = 0; to < model.Hosts.Length; to++)
            {
                if (to == from || (exclude is { } x && x.Vm == vm && x.To == to))
                {
                    continue;
                }

                var benefit = sourceScores[from] + sourceScores[to] - without - model.ScoreWith(to, vm, +1) - cost.Penalty;
                var candidate = new Candidate(vm, to, benefit);
                var why = model.Infeasible(vm, to, mandatory: false, state) ?? (capBlocked ? new MoveBlock(MoveBlockReason.MoveCap, $"move cap: the plan already moves maxMigrations={policy.MaxMigrations} VMs") : null);
                if (why is not null)
                {
                    if (bestBlocked is null || benefit > bestBlocked.Value.C.Benefit + 1e-12)
                    {
                        bestBlocked = (candidate, why);
                    }
                }
                else if (best is null || benefit > best.Value.Benefit + 1e-12)
                {
                    best = candidate;
                }
            }
        }

        return (best, bestBlocked);
    }

    /// <summary>Best feasible target for a VM; <paramref name="alternative"/> is the runner-up (or the best blocked target when none is feasible).</summary>
    private static Candidate? BestTarget(LoadModel model, PlannerState state, int vm, bool mandatory, out RejectedAlternative? alternative)
    {
        Candidate? best = null;
        Candidate? second = null;
        (Candidate C, MoveBlock Why)? blocked = null;
        for (var to = 0; to < model.Hosts.Length; to++)
        {
            if (to == model.Placement[vm])
            {
                continue;
            }

            var benefit = model.Benefit(vm, to, out _);
            var why = model.Infeasible(vm, to, mandatory, state);
            if (why is not null)
            {
                if (blocked is null || benefit > blocked.Value.C.Benefit)
                {
                    blocked = (new Candidate(vm, to, benefit), why);
                }

                continue;
            }

            if (best is null || benefit > best.Value.Benefit + 1e-12)
            {
                second = best;
                best = new Candidate(vm, to, benefit);
            }
            else if (second is null || benefit > second.Value.Benefit + 1e-12)
            {
                second = new Candidate(vm, to, benefit);
            }
        }

        alternative = null;
        if (blocked is not null && (best is null || blocked.Value.C.Benefit > best.Value.Benefit))
        {
            var c = blocked.Value.C;
            alternative = new RejectedAlternative(model.Vms[vm].Name, model.Hosts[c.To].Name, LoadModel.Round(c.Benefit), "not allowed: " + blocked.Value.Why.Message, blocked.Value.Why.Reason);
        }
        else if (second is not null && best is not null)
        {
            alternative = new RejectedAlternative(model.Vms[vm].Name, model.Hosts[second.Value.To].Name, LoadModel.Round(second.Value.Benefit),
                LoadModel.Invariant($"lower net benefit ({second.Value.Benefit:0.###} vs {best.Value.Benefit:0.###})"));
        }

        return best;
    }

    private static void Apply(LoadModel model, List<Step> steps, Step step)
    {
        steps.Add(step);
        model.Move(step.Vm, step.To);
    }

    private static List<PlannedMove> Finalise(
        ClusterSnapshot snapshot, DemandForecast[] forecasts, ClusterHistory history, int[] initialPlacement, List<Step> steps, List<PlanIssue> issues)
    {
        var probe = new LoadModel(snapshot, forecasts);
        var chain = steps.Select(s => new ChainStep(probe.Vms[s.Vm].Name, probe.Hosts[s.From].Name, probe.Hosts[s.To].Name)).ToArray();
        var collapsed = MoveChains.Collapse(chain);
        var free = probe.Hosts.Select((h, i) => (h.Name, Free: (h.MemoryBytes * snapshot.Policy.MemoryOvercommit) - probe.MemoryAllocated[i]))
            .ToDictionary(x => x.Name, x => x.Free, StringComparer.Ordinal);
        var vmBytes = probe.Vms.ToDictionary(v => v.Name, v => v.MemoryBytes, StringComparer.Ordinal);

        // Mandatory moves first, then the rest, each group in the order the search found them.
        var preferred = collapsed.OrderBy(m => m.Steps.Any(i => IsMandatory(steps[i].Kind)) ? 0 : 1).ThenBy(m => m.Steps[^1]).ToArray();
        var (order, swap) = MoveChains.OrderForCapacity(preferred, free, vmBytes);
        if (swap)
        {
            issues.Add(new PlanIssue("ordering", string.Join(", ", order.Select(m => m.Vm)),
                "some moves only fit after a swap: execute them with temporary space on another host, or in two runs"));
        }

        var moves = new List<PlannedMove>(order.Count);
        foreach (var m in order)
        {
            var vm = probe.VmIndex[m.Vm];
            var from = initialPlacement[vm];
            var to = probe.HostIndex[m.To];
            var first = steps[m.Steps[0]];
            var last = steps[m.Steps[^1]];
            var kind = m.Steps.Select(i => steps[i].Kind).Min();
            var before = new[] { probe.Load(from), probe.Load(to) };
            var benefit = probe.Benefit(vm, to, out var cost);
            probe.Move(vm, to);
            var after = new[] { probe.Load(from), probe.Load(to) };
            var reason = m.Steps.Count == 1
                ? first.Reason
                : $"{first.Reason}; collapsed from {string.Join(" → ", new[] { m.From }.Concat(m.Steps.Select(i => probe.Hosts[steps[i].To].Name)))} into one migration";
            var explanation = new MoveExplanation(kind, m.Vm, m.From, m.To, probe.H, snapshot.Policy.CpuHighWatermark,
                before[0].PeakP95Fraction, after[0].PeakP95Fraction, before[1].PeakP95Fraction, after[1].PeakP95Fraction,
                LoadModel.Round(forecasts[vm].P95.Take(probe.H).DefaultIfEmpty(0).Max()), probe.Vms[vm].Vcpus, probe.Vms[vm].MemoryBytes,
                cost.EstimatedSeconds, snapshot.Policy.MigrationBandwidthBytesPerSecond);
            moves.Add(new PlannedMove(moves.Count + 1, m.Vm, m.From, m.To, kind, IsMandatory(kind), reason, first.Trigger,
                before, after, cost, LoadModel.Round(benefit), last.Alternative, explanation));
        }

        return moves;
    }

    private static bool IsMandatory(MoveKind kind) => kind is MoveKind.Drain or MoveKind.AntiAffinity;

    private static PlannerState NextState(PlannerState state, ClusterSnapshot snapshot, IReadOnlyList<PlannedMove> moves)
    {
        var keep = Math.Max(snapshot.Policy.CooldownSeconds, snapshot.Policy.ReverseMoveWindowSeconds);
        var kept = state.Migrations.Where(m => snapshot.PlanTime - m.Time < keep && m.Time <= snapshot.PlanTime);
        var added = moves.Select(m => new MigrationRecord(m.Vm, m.From, m.To, snapshot.PlanTime));
        return new PlannerState([.. kept.Concat(added).OrderBy(m => m.Time).ThenBy(m => m.Vm, StringComparer.Ordinal)]);
    }

    /// <summary>Longest sequence one search pass considers; further passes continue from its end.</summary>
    private const int MaxSequenceLength = 8;

    private readonly record struct Candidate(int Vm, int To, double Benefit);

    /// <summary>A partial sequence of the beam: its moves, value (lower is better) and the move cap it uses.</summary>
    private sealed record Node((int Vm, int To)[] Moves, double Value, int Used)
    {
        public string Key { get; } = string.Join(",", Moves.Select(m => (m.Vm * 100_000L) + m.To).Order());
    }

    private sealed record Step(int Vm, int From, int To, MoveKind Kind, string Trigger, string Reason, double Benefit, RejectedAlternative? Alternative);
}
