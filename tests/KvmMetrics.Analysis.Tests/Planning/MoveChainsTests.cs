using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Analysis.Tests.Planning;

public class MoveChainsTests
{
    [Fact]
    public void Collapse_Chain_BecomesOneMove()
    {
        var moves = MoveChains.Collapse([new("vm1", "A", "B"), new("vm2", "C", "A"), new("vm1", "B", "C")]);

        Assert.Equal(2, moves.Count);
        Assert.Equal(("vm2", "C", "A"), (moves[0].Vm, moves[0].From, moves[0].To));
        Assert.Equal(("vm1", "A", "C"), (moves[1].Vm, moves[1].From, moves[1].To));
        Assert.Equal([0, 2], moves[1].Steps);
    }

    [Fact]
    public void Collapse_Cycle_Disappears()
    {
        var moves = MoveChains.Collapse([new("vm1", "A", "B"), new("vm1", "B", "C"), new("vm1", "C", "A")]);

        Assert.Empty(moves);
    }

    [Fact]
    public void Collapse_InconsistentSteps_Throws()
    {
        Assert.Throws<ArgumentException>(() => MoveChains.Collapse([new("vm1", "A", "B"), new("vm1", "C", "D")]));
    }

    [Fact]
    public void OrderForCapacity_MovesOutBeforeMovingIn()
    {
        // B is full until vm2 leaves it, so vm1 -> B must wait although it was preferred first.
        var moves = new[] { new CollapsedMove("vm1", "A", "B", [0]), new CollapsedMove("vm2", "B", "C", [1]) };
        var free = new Dictionary<string, double> { ["A"] = 0, ["B"] = 0, ["C"] = 10 };
        var size = new Dictionary<string, long> { ["vm1"] = 5, ["vm2"] = 5 };

        var (order, swap) = MoveChains.OrderForCapacity(moves, free, size);

        Assert.False(swap);
        Assert.Equal(["vm2", "vm1"], order.Select(m => m.Vm));
    }

    [Fact]
    public void OrderForCapacity_SwapWithoutSpace_IsFlagged()
    {
        var moves = new[] { new CollapsedMove("vm1", "A", "B", [0]), new CollapsedMove("vm2", "B", "A", [1]) };
        var free = new Dictionary<string, double> { ["A"] = 0, ["B"] = 0 };
        var size = new Dictionary<string, long> { ["vm1"] = 5, ["vm2"] = 5 };

        var (order, swap) = MoveChains.OrderForCapacity(moves, free, size);

        Assert.True(swap);
        Assert.Equal(2, order.Count);
    }
}
