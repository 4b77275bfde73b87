namespace KvmMetrics.Analysis.Planning;

/// <summary>Why a candidate move is not allowed. Code decides on this value; the message is for people only.</summary>
public enum MoveBlockReason
{
    /// <summary>The VM already runs on the target.</summary>
    AlreadyThere,

    /// <summary>The VM is pinned to its host.</summary>
    Pinned,

    /// <summary>The target is in maintenance or being drained.</summary>
    TargetDraining,

    /// <summary>The target has too little unallocated memory.</summary>
    Memory,

    /// <summary>An anti-affinity peer already runs on the target.</summary>
    AntiAffinity,

    /// <summary>The VM was migrated within the cooldown.</summary>
    Cooldown,

    /// <summary>The VM left the target within the reverse-move window.</summary>
    ReverseMove,

    /// <summary>The target is not hot now and the move would make it hot (forecast p95 peak above the watermark).</summary>
    WouldMakeHot,

    /// <summary>The plan already moves policy.maxMigrations VMs.</summary>
    MoveCap,
}

/// <summary>A refused move: the typed reason and a sentence that says it with the numbers.</summary>
/// <param name="Reason">The rule that refuses it.</param>
/// <param name="Message">The same for the operator, e.g. "memory: vm1 needs 8 GiB, host02 has 2 GiB unallocated".</param>
public sealed record MoveBlock(MoveBlockReason Reason, string Message);
