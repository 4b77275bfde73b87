namespace KvmMetrics.Analysis.Planning;

/// <summary>One migration the planner recommended (and assumes executed) in an earlier run.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="From">Host it left.</param>
/// <param name="To">Host it went to.</param>
/// <param name="Time">Plan time of the run that recommended it, Unix seconds.</param>
public sealed record MigrationRecord(string Vm, string From, string To, long Time);

/// <summary>
/// What the planner remembers between runs so that it neither churns a VM (cooldown) nor sends it back
/// where it came from (reverse-move window). An input and an output of every run; the caller persists it.
/// </summary>
/// <param name="Migrations">Recent recommended migrations, oldest first.</param>
public sealed record PlannerState(IReadOnlyList<MigrationRecord> Migrations)
{
    /// <summary>The state of a first run.</summary>
    public static PlannerState Empty { get; } = new([]);

    /// <summary>The latest recorded migration of a VM at or before <paramref name="now"/>, or null.</summary>
    public MigrationRecord? LastMove(string vm, long now) =>
        Migrations.Where(m => m.Vm == vm && m.Time <= now).MaxBy(m => m.Time);
}
