using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.Policy;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Planning;

/// <summary>Each move is simulated on the state after the moves before it, and none makes a host hot that is not.</summary>
public class MoveSequenceSafetyTests
{
    /// <summary>
    /// Hosts a and b are both at 95% of 8 cores; the empty spare c has memory for one VM only. a2 and b2 are pinned.
    /// The first move can relieve one host through c (a1 to c leaves a at 55%). A planner that then only weighs the
    /// objective moves b1 (2.04 cores) onto a: b drops from 95% to 70%, a rises from 55% to 80.5% — the second move
    /// re-creates the hotspot the first removed (the "52% → 104%" of issue 16, at the margin).
    /// </summary>
    private static (ClusterSnapshot Snapshot, ClusterHistory History) TwoHotHostsOneSpareSlot() =>
        (Snapshot(
            [Host("a"), Host("b"), Host("c", memoryGiB: 8)],
            [Vm("a1", "a"), Vm("a2", "a"), Vm("b1", "b"), Vm("b2", "b")],
            new PlacementConstraints([], ["a2", "b2"], [])),
        new ClusterHistory([Cpu("a1", 3.2), Cpu("a2", 4.4), Cpu("b1", 2.04), Cpu("b2", 5.56)]));

    [Fact]
    public void Plan_SecondMove_NeverRecreatesTheHotspotTheFirstRemoved()
    {
        var (snapshot, history) = TwoHotHostsOneSpareSlot();
        var wm = snapshot.Policy.CpuHighWatermark;

        var plan = new MigrationPlanner().Plan(snapshot, history, PlannerState.Empty);

        // Replay the plan in its order: once a move has brought a host under the watermark, no later move takes it over again.
        Assert.NotEmpty(plan.Moves);
        var relieved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in plan.Moves)
        {
            Assert.False(relieved.Contains(m.To) && m.After[1].PeakP95Fraction > wm,
                $"move {m.Order} ({m.Vm} {m.From} -> {m.To}) re-creates the hotspot on {m.To}: {m.Before[1].PeakP95Fraction:0%} -> {m.After[1].PeakP95Fraction:0%}");
            if (m.Before[0].PeakP95Fraction > wm && m.After[0].PeakP95Fraction <= wm)
            {
                relieved.Add(m.From);
            }
        }

        foreach (var host in relieved)
        {
            Assert.True(plan.HostsAfter.Single(h => h.Host == host).PeakP95Fraction <= wm, $"{host} is hot again at the end");
        }
    }

    [Fact]
    public void Plan_EveryMove_LeavesAHostThatWasNotHotUnderTheWatermark()
    {
        // Without the rule the objective would take the second move above (checked by disabling MoveBlockReason.WouldMakeHot: both tests then fail on "b1 b -> a, 55% -> 81%").
        var (snapshot, history) = TwoHotHostsOneSpareSlot();
        var policy = snapshot.Policy;

        var plan = new MigrationPlanner().Plan(snapshot with { Policy = policy with { MaxMigrations = 10 } }, history, PlannerState.Empty);

        Assert.NotEmpty(plan.Moves);
        foreach (var m in plan.Moves)
        {
            if (m.Before[1].PeakP95Fraction <= policy.CpuHighWatermark)
            {
                Assert.True(m.After[1].PeakP95Fraction <= policy.CpuHighWatermark,
                    $"move {m.Order} ({m.Vm} {m.From} -> {m.To}) makes {m.To} hot: {m.Before[1].PeakP95Fraction:0%} -> {m.After[1].PeakP95Fraction:0%}");
            }
        }

        Assert.Equal(1, plan.HostsAfter.Count(h => h.PeakP95Fraction > policy.CpuHighWatermark));
    }
}
