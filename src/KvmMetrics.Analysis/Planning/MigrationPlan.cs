namespace KvmMetrics.Analysis.Planning;

/// <summary>Why a move is in the plan; mandatory kinds come first.</summary>
public enum MoveKind
{
    /// <summary>The source host is in maintenance or must be drained.</summary>
    Drain,

    /// <summary>The VM shares a host with a member of its anti-affinity group.</summary>
    AntiAffinity,

    /// <summary>The source host is forecast to be hot.</summary>
    Hotspot,

    /// <summary>No host is forecast hot, but the move evens out expected load by more than the minimum benefit.</summary>
    Balance,
}

/// <summary>Forecast load of one host for an explanation.</summary>
/// <param name="Host">Host name.</param>
/// <param name="CpuCores">Host cores.</param>
/// <param name="PeakP95Cores">Highest hourly p95 of forecast host CPU over the horizon, cores.</param>
/// <param name="PeakP95Fraction">The same as a fraction of the host's cores.</param>
/// <param name="ExpectedHotHours">Expected number of horizon hours above the watermark.</param>
/// <param name="MemoryAllocatedBytes">Memory allocated to its VMs.</param>
/// <param name="MemoryBytes">Host memory.</param>
/// <param name="Vms">Number of VMs on it.</param>
public sealed record HostLoad(
    string Host, double CpuCores, double PeakP95Cores, double PeakP95Fraction, double ExpectedHotHours,
    long MemoryAllocatedBytes, long MemoryBytes, int Vms);

/// <summary>Estimated cost of one live migration.</summary>
/// <param name="MemoryBytes">Guest memory to copy: its allocation (a live migration sends every page at least once).</param>
/// <param name="DirtyRatio">Dirty-page proxy: share of copied pages re-dirtied per round, from the VM's CPU utilisation.</param>
/// <param name="TransferBytes">Estimated bytes sent including pre-copy rounds.</param>
/// <param name="EstimatedSeconds">Estimated duration at the policy bandwidth.</param>
/// <param name="Penalty">Cost in benefit units (hot host-hours per day) subtracted from the move's benefit.</param>
public sealed record MigrationCost(long MemoryBytes, double DirtyRatio, long TransferBytes, double EstimatedSeconds, double Penalty);

/// <summary>The best move the planner did not choose at that step, and why.</summary>
/// <param name="Vm">VM of the alternative.</param>
/// <param name="To">Target of the alternative.</param>
/// <param name="NetBenefit">Its net benefit (NaN when it could not be evaluated).</param>
/// <param name="Reason">Why it lost: lower benefit, or the constraint it would break.</param>
/// <param name="BlockedBy">The rule that refused it, or null when it was allowed but gained less.</param>
public sealed record RejectedAlternative(string Vm, string To, double NetBenefit, string Reason, MoveBlockReason? BlockedBy = null);

/// <summary>One recommended live migration with its explanation.</summary>
/// <param name="Order">1-based position; execute in this order.</param>
/// <param name="Vm">The VM to migrate.</param>
/// <param name="From">Current host.</param>
/// <param name="To">Target host.</param>
/// <param name="Kind">Why it exists.</param>
/// <param name="Mandatory">True for drain and anti-affinity moves.</param>
/// <param name="Reason">One sentence for the operator.</param>
/// <param name="Trigger">The series and threshold that triggered it.</param>
/// <param name="Before">Source and target load before this move (in plan order).</param>
/// <param name="After">Source and target load after this move.</param>
/// <param name="Cost">Migration cost estimate.</param>
/// <param name="NetBenefit">Reduction of the objective (hot host-hours per day equivalent) minus the cost penalty.</param>
/// <param name="Alternative">The best rejected alternative, or null when there was none.</param>
/// <param name="Explanation">The move in numbers (loads before/after, VM use, migration time); <see cref="Why"/> is its text.</param>
public sealed record PlannedMove(
    int Order, string Vm, string From, string To, MoveKind Kind, bool Mandatory, string Reason, string Trigger,
    IReadOnlyList<HostLoad> Before, IReadOnlyList<HostLoad> After, MigrationCost Cost, double NetBenefit,
    RejectedAlternative? Alternative, MoveExplanation Explanation)
{
    /// <summary>The explanation as one line for people (<see cref="MoveExplanation.Render"/>).</summary>
    public string Why => Explanation.Render();
}

/// <summary>Something the plan could not do, stated rather than hidden.</summary>
/// <param name="Kind">drain, anti-affinity, move-cap, no-history, ordering.</param>
/// <param name="Subject">The VM or host concerned.</param>
/// <param name="Message">What and why, with the fix.</param>
public sealed record PlanIssue(string Kind, string Subject, string Message);

/// <summary>Totals for the summary line.</summary>
/// <param name="Moves">Moves in the plan.</param>
/// <param name="MandatoryMoves">Drain and anti-affinity moves among them.</param>
/// <param name="ExpectedHotHoursBefore">Expected hot host-hours over the horizon without the plan.</param>
/// <param name="ExpectedHotHoursAfter">Expected hot host-hours over the horizon with the plan.</param>
/// <param name="TransferBytes">Estimated bytes copied by all moves.</param>
/// <param name="HotHostsBefore">Hosts whose forecast p95 peaks above the watermark without the plan.</param>
/// <param name="HotHostsAfter">The same with the plan.</param>
public sealed record PlanSummary(
    int Moves, int MandatoryMoves, double ExpectedHotHoursBefore, double ExpectedHotHoursAfter, long TransferBytes,
    int HotHostsBefore, int HotHostsAfter);

/// <summary>The planner's output: ordered moves with explanations, loads before and after, issues and the next state.</summary>
/// <param name="PlanTime">Unix seconds the plan is for.</param>
/// <param name="HorizonHours">Forecast horizon.</param>
/// <param name="Forecaster">Demand model used.</param>
/// <param name="Moves">Ordered moves.</param>
/// <param name="HostsBefore">Per-host forecast load without the plan.</param>
/// <param name="HostsAfter">Per-host forecast load with the plan.</param>
/// <param name="Issues">What could not be done.</param>
/// <param name="Summary">Totals.</param>
/// <param name="State">State to pass to the next run.</param>
public sealed record MigrationPlan(
    long PlanTime, int HorizonHours, string Forecaster, IReadOnlyList<PlannedMove> Moves,
    IReadOnlyList<HostLoad> HostsBefore, IReadOnlyList<HostLoad> HostsAfter, IReadOnlyList<PlanIssue> Issues,
    PlanSummary Summary, PlannerState State);
