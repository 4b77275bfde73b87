using KvmMetrics.Analysis.Cluster;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Cluster;

public class ClusterValidatorTests
{
    [Fact]
    public void Validate_ValidSnapshot_HasNoErrors()
    {
        Assert.Empty(ClusterValidator.Validate(HotCluster().Snapshot));
    }

    [Theory]
    [InlineData("unknown-host", "vms[1].host: VM 'vm2' is on unknown host 'zz'")]
    [InlineData("duplicate-vm", "vms[1].name: duplicate VM 'vm1'")]
    [InlineData("too-big", "vms[0].memoryBytes: VM 'vm1' needs")]
    [InlineData("negative-cores", "hosts[0].cpuCores of host 'a' must be a positive number")]
    [InlineData("unknown-pinned", "constraints.pinned: unknown VM 'ghost'")]
    [InlineData("unknown-drain", "constraints.drain: unknown host 'ghost'")]
    [InlineData("bad-policy", "policy.cpuHighWatermark must be between")]
    public void Validate_BadSnapshot_NamesTheFieldAndTheThing(string kind, string expected)
    {
        var snapshot = Snapshot([Host("a"), Host("b")], [Vm("vm1", "a"), Vm("vm2", "b")]);
        snapshot = kind switch
        {
            "unknown-host" => snapshot with { Vms = [Vm("vm1", "a"), Vm("vm2", "zz")] },
            "duplicate-vm" => snapshot with { Vms = [Vm("vm1", "a"), Vm("vm1", "b")] },
            "too-big" => snapshot with { Vms = [Vm("vm1", "a", memoryGiB: 100)] },
            "negative-cores" => snapshot with { Hosts = [Host("a", cores: -1), Host("b")] },
            "unknown-pinned" => snapshot with { Constraints = new PlacementConstraints([], ["ghost"], []) },
            "unknown-drain" => snapshot with { Constraints = new PlacementConstraints([], [], ["ghost"]) },
            "bad-policy" => snapshot with { Policy = snapshot.Policy with { CpuHighWatermark = 3 } },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var errors = ClusterValidator.Validate(snapshot);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
