using KvmMetrics.Analysis.Planning;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Planning;

public class MoveExplanationTests
{
    [Fact]
    public void Render_HotspotMove_ReadsInPercentVcpusSecondsAndGiB()
    {
        var e = new MoveExplanation(MoveKind.Hotspot, "vm-x", "host-a", "host-b", 168, 0.8, 1.04, 0.71, 0.40, 0.62, 3.1, 4, 32 * GiB, 40.2, 1.25e9);

        Assert.Equal(
            "host-a CPU p95 next 7 d 104% → 71%, host-b 40% → 62% (watermark 80%); vm-x uses 3.1 of 4 vCPUs at p95; migration ≈ 40 s at 10 Gbit/s for 32 GiB",
            e.Render());
    }

    [Theory]
    [InlineData(0.2, "migration < 1 s at 10 Gbit/s")]
    [InlineData(300, "migration ≈ 5 min at 10 Gbit/s")]
    public void Render_ShortAndLongMigrations_NeverSayZeroSeconds(double seconds, string expected)
    {
        var e = new MoveExplanation(MoveKind.Drain, "vm", "a", "b", 24, 0.8, 0.5, 0.3, 0.1, 0.3, 1, 2, GiB, seconds, 1.25e9);

        Assert.Contains(expected, e.Render(), StringComparison.Ordinal);
        Assert.StartsWith("drain a: a CPU p95 next 1 d", e.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EveryMove_ExplainsWithTheSevenDayHorizonAndANonZeroMigrationTime()
    {
        var (snapshot, history) = HotCluster();

        var plan = new MigrationPlanner().Plan(snapshot, history, PlannerState.Empty);

        Assert.Equal(168, plan.HorizonHours);
        Assert.NotEmpty(plan.Moves);
        foreach (var m in plan.Moves)
        {
            // 8 GiB over 10 Gbit/s is 6.9 s before any pre-copy round.
            Assert.True(m.Cost.EstimatedSeconds >= 8 * GiB / 1.25e9, $"{m.Vm}: {m.Cost.EstimatedSeconds} s");
            Assert.Equal(8 * GiB, m.Explanation.MemoryBytes);
            Assert.Equal(4, m.Explanation.VmVcpus);
            Assert.Contains("CPU p95 next 7 d", m.Why, StringComparison.Ordinal);
            Assert.Contains(" of 4 vCPUs at p95", m.Why, StringComparison.Ordinal);
            Assert.Contains("at 10 Gbit/s for 8 GiB", m.Why, StringComparison.Ordinal);
            Assert.Equal(m.Before[0].PeakP95Fraction, m.Explanation.FromBefore);
            Assert.Equal(m.After[1].PeakP95Fraction, m.Explanation.ToAfter);
        }
    }
}
