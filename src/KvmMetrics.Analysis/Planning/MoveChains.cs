namespace KvmMetrics.Analysis.Planning;

/// <summary>One step of a planning sequence before chains are collapsed.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="From">Host before the step.</param>
/// <param name="To">Host after the step.</param>
public sealed record ChainStep(string Vm, string From, string To);

/// <summary>A VM's net move after collapsing its steps.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="From">Host before its first step.</param>
/// <param name="To">Host after its last step.</param>
/// <param name="Steps">Indices of the steps it replaces, in order.</param>
public sealed record CollapsedMove(string Vm, string From, string To, IReadOnlyList<int> Steps);

/// <summary>Collapses chains (A→B, B→C becomes A→C) and cycles (A→B, B→A disappears) of a step sequence.</summary>
public static class MoveChains
{
    /// <summary>
    /// One move per VM whose final host differs from its first, ordered by the position of its last step
    /// (where the sequence needed it); a VM that ends where it started is dropped.
    /// </summary>
    public static IReadOnlyList<CollapsedMove> Collapse(IReadOnlyList<ChainStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var byVm = new Dictionary<string, (string From, string To, List<int> Steps)>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            if (byVm.TryGetValue(s.Vm, out var acc))
            {
                if (acc.To != s.From)
                {
                    throw new ArgumentException($"step {i} moves {s.Vm} from {s.From}, but it is on {acc.To}", nameof(steps));
                }

                acc.Steps.Add(i);
                byVm[s.Vm] = (acc.From, s.To, acc.Steps);
            }
            else
            {
                byVm[s.Vm] = (s.From, s.To, [i]);
            }
        }

        return byVm
            .Where(kv => kv.Value.From != kv.Value.To)
            .Select(kv => new CollapsedMove(kv.Key, kv.Value.From, kv.Value.To, kv.Value.Steps))
            .OrderBy(m => m.Steps[^1])
            .ToArray();
    }

    /// <summary>
    /// Orders moves so that each target has room when its move runs: repeatedly takes the first move in the
    /// preferred order that fits. Returns the order and whether some moves could only run with temporary space
    /// (a swap); those keep their preferred order at the end.
    /// </summary>
    /// <param name="moves">Moves in preferred order.</param>
    /// <param name="freeBytes">Unallocated memory per host before the plan.</param>
    /// <param name="vmBytes">Allocated memory per VM.</param>
    public static (IReadOnlyList<CollapsedMove> Order, bool NeedsTemporarySpace) OrderForCapacity(
        IReadOnlyList<CollapsedMove> moves, IReadOnlyDictionary<string, double> freeBytes, IReadOnlyDictionary<string, long> vmBytes)
    {
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(freeBytes);
        ArgumentNullException.ThrowIfNull(vmBytes);
        var free = new Dictionary<string, double>(freeBytes, StringComparer.Ordinal);
        var pending = moves.ToList();
        var order = new List<CollapsedMove>(moves.Count);
        while (pending.Count > 0)
        {
            var next = pending.FindIndex(m => vmBytes[m.Vm] <= free[m.To] + 1e-6);
            if (next < 0)
            {
                order.AddRange(pending);
                return (order, true);
            }

            var move = pending[next];
            pending.RemoveAt(next);
            free[move.To] -= vmBytes[move.Vm];
            free[move.From] += vmBytes[move.Vm];
            order.Add(move);
        }

        return (order, false);
    }
}
