using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// The planner's working state: current placement, per-host sums of the VMs' demand scenarios, allocated
/// memory, and the scoring of a host (expected hot hours + overload + a small balance term). Mutable by
/// design and private to one planning run.
/// </summary>
internal sealed class LoadModel
{
    private readonly double[] _memoryCap;
    private readonly double[][][] _sums;
    private readonly double _avgCores;
    private readonly double _watermark;
    private readonly double _balanceWeight;
    private readonly double _overloadWeight;
    private readonly double _uncertainty;
    private readonly int[][] _vmGroups;
    private readonly string[][] _groups;
    private readonly bool?[] _hot;

    public LoadModel(ClusterSnapshot snapshot, IReadOnlyList<DemandForecast> forecasts)
    {
        Snapshot = snapshot;
        var policy = snapshot.Policy;
        H = policy.HorizonHours;
        _watermark = policy.CpuHighWatermark;
        _balanceWeight = policy.BalanceWeight;
        _overloadWeight = policy.OverloadWeight;
        _uncertainty = policy.LoadUncertainty;
        Hosts = [.. snapshot.Hosts];
        HostIndex = Hosts.Select((h, i) => (h.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        Draining = [.. Hosts.Select(h => snapshot.IsDraining(h.Name))];
        _memoryCap = [.. Hosts.Select(h => h.MemoryBytes * policy.MemoryOvercommit)];
        _avgCores = Hosts.Average(h => h.CpuCores);
        Vms = [.. snapshot.Vms];
        VmIndex = Vms.Select((v, i) => (v.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        Pinned = [.. Vms.Select(v => snapshot.Constraints.Pinned.Contains(v.Name))];
        Forecasts = [.. forecasts];
        K = Math.Max(1, Forecasts.Where(f => f.Scenarios.Length > 0).Select(f => f.Scenarios.Length).DefaultIfEmpty(20).Max());
        Scenarios = [.. Forecasts.Select(f => ScenariosOf(f, K, H))];
        MedianUtilisation = [.. Vms.Select((v, i) => Forecasts[i].P50.Average() / Math.Max(1, v.Vcpus))];
        _groups = [.. snapshot.Constraints.AntiAffinity.Select(g => g.Distinct().ToArray())];
        _vmGroups = [.. Vms.Select(v => Enumerable.Range(0, _groups.Length).Where(g => _groups[g].Contains(v.Name)).ToArray())];

        Placement = [.. Vms.Select(v => HostIndex[v.Host])];
        MemoryAllocated = new double[Hosts.Length];
        _hot = new bool?[Hosts.Length];
        _sums = [.. Hosts.Select(_ => Enumerable.Range(0, K).Select(_ => new double[H]).ToArray())];
        for (var v = 0; v < Vms.Length; v++)
        {
            Add(v, Placement[v], +1);
        }
    }

    public ClusterSnapshot Snapshot { get; }

    public int H { get; }

    public int K { get; }

    public HostSpec[] Hosts { get; }

    public Dictionary<string, int> HostIndex { get; }

    public bool[] Draining { get; }

    public VmSpec[] Vms { get; }

    public Dictionary<string, int> VmIndex { get; }

    public bool[] Pinned { get; }

    public DemandForecast[] Forecasts { get; }

    public double[][][] Scenarios { get; }

    public double[] MedianUtilisation { get; }

    public int[] Placement { get; }

    public double[] MemoryAllocated { get; }

    /// <summary>Score of a host as it is.</summary>
    public double Score(int host) => ScoreWith(host, -1, 0);

    /// <summary>Score of a host if VM <paramref name="vm"/> were added (sign +1) or removed (sign -1).</summary>
    public double ScoreWith(int host, int vm, int sign)
    {
        var sums = _sums[host];
        var cores = Hosts[host].CpuCores;
        var threshold = _watermark * cores;
        var extra = vm >= 0 ? Scenarios[vm] : null;

        // Logistic approximation of the normal CDF (scale 1/1.702): P(x (1 + e) > threshold), e ~ N(0, uncertainty).
        var soft = _uncertainty > 0;
        double score = 0;
        for (var h = 0; h < H; h++)
        {
            double hot = 0, over = 0, mean = 0;
            for (var k = 0; k < K; k++)
            {
                var x = sums[k][h] + (extra is null ? 0 : sign * extra[k][h]);
                if (x > threshold)
                {
                    over += x - threshold;
                }

                if (soft)
                {
                    hot += x <= 0 ? 0 : 1 / (1 + Math.Exp(-1.702 * (x - threshold) / (_uncertainty * x)));
                }
                else if (x > threshold)
                {
                    hot++;
                }

                mean += x;
            }

            var u = mean / K / cores;
            score += (hot / K) + (_overloadWeight * over / K / cores) + (_balanceWeight * (cores / _avgCores) * u * u);
        }

        // Per day of horizon, so that MinBenefit and CostPerGiB do not depend on the horizon length.
        return score * 24.0 / H;
    }

    /// <summary>Net benefit of moving a VM to a host (objective decrease per day minus migration cost).</summary>
    public double Benefit(int vm, int to, out MigrationCost cost)
    {
        var from = Placement[vm];
        cost = Cost(vm);
        var before = Score(from) + Score(to);
        var after = ScoreWith(from, vm, -1) + ScoreWith(to, vm, +1);
        return before - after - cost.Penalty;
    }

    public MigrationCost Cost(int vm) =>
        MigrationCostModel.Estimate(Vms[vm].MemoryBytes, MedianUtilisation[vm], Snapshot.Policy);

    /// <summary>
    /// Null when the move is allowed in the current state (after the moves applied so far), else why it is not.
    /// Optional moves must also not make a host hot that is not hot now (<see cref="MoveBlockReason.WouldMakeHot"/>):
    /// a later move must never re-create the hotspot an earlier one removed.
    /// </summary>
    public MoveBlock? Infeasible(int vm, int to, bool mandatory, PlannerState state) => Infeasible(vm, to, mandatory, state, explain: true);

    /// <summary>Whether the move is allowed, without building the explanation (the search asks for every (VM, host) pair).</summary>
    public bool Allowed(int vm, int to, bool mandatory, PlannerState state) => Infeasible(vm, to, mandatory, state, explain: false) is null;

    private MoveBlock? Infeasible(int vm, int to, bool mandatory, PlannerState state, bool explain)
    {
        var name = Vms[vm].Name;
        var target = Hosts[to].Name;
        if (Placement[vm] == to)
        {
            return new(MoveBlockReason.AlreadyThere, "it is already there");
        }

        if (Pinned[vm])
        {
            return new(MoveBlockReason.Pinned, $"{name} is pinned");
        }

        if (Draining[to])
        {
            return new(MoveBlockReason.TargetDraining, $"{target} is being drained or is in maintenance");
        }

        var free = _memoryCap[to] - MemoryAllocated[to];
        if (Vms[vm].MemoryBytes > free)
        {
            return !explain ? new(MoveBlockReason.Memory, "") : new(MoveBlockReason.Memory, Invariant($"memory: {name} needs {Gib(Vms[vm].MemoryBytes)} GiB, {target} has {Gib(Math.Max(0, free))} GiB unallocated"));
        }

        foreach (var g in _vmGroups[vm])
        {
            foreach (var other in _groups[g])
            {
                if (other != name && VmIndex.TryGetValue(other, out var o) && Placement[o] == to)
                {
                    return new(MoveBlockReason.AntiAffinity, $"anti-affinity: {other} already runs on {target}");
                }
            }
        }

        if (!mandatory)
        {
            var now = Snapshot.PlanTime;
            var last = state.LastMove(name, now);
            if (last is not null && now - last.Time < Snapshot.Policy.CooldownSeconds)
            {
                return new(MoveBlockReason.Cooldown, Invariant($"cooldown: {name} was migrated {(now - last.Time) / 3600.0:0.#} h ago (cooldown {Snapshot.Policy.CooldownSeconds / 3600.0:0.#} h)"));
            }

            var left = state.Migrations
                .Where(m => m.Vm == name && m.From == target && m.Time <= now && now - m.Time < Snapshot.Policy.ReverseMoveWindowSeconds)
                .MaxBy(m => m.Time);
            if (left is not null)
            {
                return new(MoveBlockReason.ReverseMove, Invariant($"reverse move: {name} left {target} {(now - left.Time) / 3600.0:0.#} h ago (window {Snapshot.Policy.ReverseMoveWindowSeconds / 3600.0:0.#} h)"));
            }

            var threshold = _watermark * Hosts[to].CpuCores;
            if (!IsHot(to) && Exceeds(to, vm, threshold))
            {
                // The explanation's two p95 peaks cost as much as the check itself.
                return !explain ? new(MoveBlockReason.WouldMakeHot, "") : new(MoveBlockReason.WouldMakeHot, Invariant(
                    $"it would make {target} hot: forecast CPU p95 peak {PeakP95(to, -1) / Hosts[to].CpuCores:0%} -> {PeakP95(to, vm) / Hosts[to].CpuCores:0%} of {Hosts[to].CpuCores:0.##} cores, above the {_watermark:0%} watermark"));
            }
        }

        return null;
    }

    /// <summary>True when the host's forecast p95 peaks above the watermark (the definition of a hot host in plans).</summary>
    /// <remarks>Cached per host until its load changes: the planner's search asks it for every (VM, host) pair.</remarks>
    public bool IsHot(int host) => _hot[host] ??= Exceeds(host, -1, _watermark * Hosts[host].CpuCores);

    /// <summary>Whether the hourly p95 of the host's scenario sums (VM <paramref name="plus"/> added, -1: none) exceeds the threshold in any hour.</summary>
    private bool Exceeds(int host, int plus, double threshold)
    {
        var sums = _sums[host];
        var extra = plus >= 0 ? Scenarios[plus] : null;
        var column = new double[K];
        for (var h = 0; h < H; h++)
        {
            var max = double.MinValue;
            for (var k = 0; k < K; k++)
            {
                column[k] = sums[k][h] + (extra is null ? 0 : extra[k][h]);
                max = Math.Max(max, column[k]);
            }

            // p95 <= max: only an hour whose largest scenario is above the threshold needs the quantile.
            if (max > threshold)
            {
                Array.Sort(column);
                if (Quantiles.OfSorted(column, 0.95) > threshold)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Highest hourly p95 over the horizon of the host's scenario sums, with VM <paramref name="plus"/> added (-1: none).</summary>
    public double PeakP95(int host, int plus)
    {
        var sums = _sums[host];
        var extra = plus >= 0 ? Scenarios[plus] : null;
        var column = new double[K];
        double peak = 0;
        for (var h = 0; h < H; h++)
        {
            for (var k = 0; k < K; k++)
            {
                column[k] = sums[k][h] + (extra is null ? 0 : extra[k][h]);
            }

            Array.Sort(column);
            peak = Math.Max(peak, Quantiles.OfSorted(column, 0.95));
        }

        return peak;
    }

    /// <summary>Members of anti-affinity groups that share a host with another member: (group, host, VMs).</summary>
    public IEnumerable<(int Group, int Host, int[] Vms)> AntiAffinityViolations()
    {
        for (var g = 0; g < _groups.Length; g++)
        {
            var members = _groups[g].Where(VmIndex.ContainsKey).Select(n => VmIndex[n]).ToArray();
            foreach (var byHost in members.GroupBy(m => Placement[m]).Where(x => x.Count() > 1).OrderBy(x => x.Key))
            {
                yield return (g, byHost.Key, byHost.ToArray());
            }
        }
    }

    public string[] Group(int g) => _groups[g];

    public void Move(int vm, int to)
    {
        Add(vm, Placement[vm], -1);
        Placement[vm] = to;
        Add(vm, to, +1);
    }

    /// <summary>Hourly p95 of the host's scenario sums over the horizon, cores.</summary>
    public double[] P95Profile(int host)
    {
        var column = new double[K];
        var result = new double[H];
        for (var h = 0; h < H; h++)
        {
            for (var k = 0; k < K; k++)
            {
                column[k] = _sums[host][k][h];
            }

            Array.Sort(column);
            result[h] = Quantiles.OfSorted(column, 0.95);
        }

        return result;
    }

    public HostLoad Load(int host)
    {
        var sums = _sums[host];
        var cores = Hosts[host].CpuCores;
        var threshold = _watermark * cores;
        double peak = 0, hotHours = 0;
        var column = new double[K];
        for (var h = 0; h < H; h++)
        {
            var hot = 0;
            for (var k = 0; k < K; k++)
            {
                column[k] = sums[k][h];
                if (column[k] > threshold)
                {
                    hot++;
                }
            }

            Array.Sort(column);
            peak = Math.Max(peak, Quantiles.OfSorted(column, 0.95));
            hotHours += (double)hot / K;
        }

        var count = Placement.Count(p => p == host);
        return new HostLoad(Hosts[host].Name, cores, Round(peak), Round(peak / cores), Round(hotHours),
            (long)MemoryAllocated[host], Hosts[host].MemoryBytes, count);
    }

    public static double Round(double x) => Math.Round(x, 4);

    public static string Gib(double bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private void Add(int vm, int host, int sign)
    {
        MemoryAllocated[host] += sign * Vms[vm].MemoryBytes;
        _hot[host] = null;
        var s = Scenarios[vm];
        var sums = _sums[host];
        for (var k = 0; k < K; k++)
        {
            for (var h = 0; h < H; h++)
            {
                sums[k][h] += sign * s[k][h];
            }
        }
    }

    /// <summary>
    /// A forecast's scenarios on the common K x H grid. Quantile-only forecasts get comonotonic synthetic
    /// scenarios through p50 and p95 (linear in the quantile level), which is conservative for host sums.
    /// </summary>
    private static double[][] ScenariosOf(DemandForecast f, int k, int h)
    {
        if (f.Scenarios.Length == k && f.Scenarios.All(s => s.Length >= h))
        {
            return f.Scenarios;
        }

        var result = new double[k][];
        for (var i = 0; i < k; i++)
        {
            var q = (i + 0.5) / k;
            result[i] = new double[h];
            for (var t = 0; t < h; t++)
            {
                var p50 = f.P50[Math.Min(t, f.P50.Length - 1)];
                var p95 = f.P95[Math.Min(t, f.P95.Length - 1)];
                result[i][t] = Math.Max(0, p50 + ((p95 - p50) * (q - 0.5) / 0.45));
            }
        }

        return result;
    }
}
