using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Planning;

/// <summary>
/// Every field of <see cref="ClusterPolicy"/> once: its JSON name in the cluster file's <c>policy</c> object, its
/// command-line flag (<c>--policy.cpu-high-watermark</c>) and how to read and set it. The cluster JSON reader, the
/// flags of <c>serve</c>/<c>report</c>/<c>plan</c> and the usage text all come from this one table, so a new policy
/// field is settable everywhere by adding one line.
/// </summary>
public static class PolicyFields
{
    /// <summary>One policy field.</summary>
    /// <param name="Name">JSON name (camelCase), e.g. <c>cpuHighWatermark</c>.</param>
    /// <param name="Integer">True when only whole numbers are accepted.</param>
    /// <param name="Get">Reads the field.</param>
    /// <param name="Set">Returns a copy with the field set.</param>
    public sealed record Field(string Name, bool Integer, Func<ClusterPolicy, double> Get, Func<ClusterPolicy, double, ClusterPolicy> Set)
    {
        /// <summary>The command-line flag without the leading dashes, e.g. <c>policy.cpu-high-watermark</c>.</summary>
        public string Flag { get; } = "policy." + Kebab(Name);
    }

    /// <summary>All fields, in documentation order.</summary>
    public static IReadOnlyList<Field> All { get; } =
    [
        new("cpuHighWatermark", false, p => p.CpuHighWatermark, (p, v) => p with { CpuHighWatermark = v }),
        new("cpuClearMargin", false, p => p.CpuClearMargin, (p, v) => p with { CpuClearMargin = v }),
        new("cpuCriticalPeak", false, p => p.CpuCriticalPeak, (p, v) => p with { CpuCriticalPeak = v }),
        new("memoryHighWatermark", false, p => p.MemoryHighWatermark, (p, v) => p with { MemoryHighWatermark = v }),
        new("memoryClearMargin", false, p => p.MemoryClearMargin, (p, v) => p with { MemoryClearMargin = v }),
        new("memoryCriticalPeak", false, p => p.MemoryCriticalPeak, (p, v) => p with { MemoryCriticalPeak = v }),
        new("headroomEnterRatio", false, p => p.HeadroomEnterRatio, (p, v) => p with { HeadroomEnterRatio = v }),
        new("headroomClearRatio", false, p => p.HeadroomClearRatio, (p, v) => p with { HeadroomClearRatio = v }),
        new("stealPerVcpu", false, p => p.StealPerVcpu, (p, v) => p with { StealPerVcpu = v }),
        new("stealClearFactor", false, p => p.StealClearFactor, (p, v) => p with { StealClearFactor = v }),
        new("stealCriticalFactor", false, p => p.StealCriticalFactor, (p, v) => p with { StealCriticalFactor = v }),
        new("sustainSteps", true, p => p.SustainSteps, (p, v) => p with { SustainSteps = (int)v }),
        new("clearSteps", true, p => p.ClearSteps, (p, v) => p with { ClearSteps = (int)v }),
        new("willBeHotWarningHours", false, p => p.WillBeHotWarningHours, (p, v) => p with { WillBeHotWarningHours = v }),
        new("maxMigrations", true, p => p.MaxMigrations, (p, v) => p with { MaxMigrations = (int)v }),
        new("horizonHours", true, p => p.HorizonHours, (p, v) => p with { HorizonHours = (int)v }),
        new("cooldownSeconds", true, p => p.CooldownSeconds, (p, v) => p with { CooldownSeconds = (long)v }),
        new("reverseMoveWindowSeconds", true, p => p.ReverseMoveWindowSeconds, (p, v) => p with { ReverseMoveWindowSeconds = (long)v }),
        new("memoryOvercommit", false, p => p.MemoryOvercommit, (p, v) => p with { MemoryOvercommit = v }),
        new("minBenefit", false, p => p.MinBenefit, (p, v) => p with { MinBenefit = v }),
        new("costPerGiB", false, p => p.CostPerGiB, (p, v) => p with { CostPerGiB = v }),
        new("overloadWeight", false, p => p.OverloadWeight, (p, v) => p with { OverloadWeight = v }),
        new("balanceWeight", false, p => p.BalanceWeight, (p, v) => p with { BalanceWeight = v }),
        new("loadUncertainty", false, p => p.LoadUncertainty, (p, v) => p with { LoadUncertainty = v }),
        new("searchBeamWidth", true, p => p.SearchBeamWidth, (p, v) => p with { SearchBeamWidth = (int)v }),
        new("migrationBandwidthBytesPerSecond", false, p => p.MigrationBandwidthBytesPerSecond, (p, v) => p with { MigrationBandwidthBytesPerSecond = v }),
    ];

    /// <summary>
    /// The <c>--policy.*</c> options, one per field, so <c>--help</c>, docs/analyzer.md, the environment
    /// (<c>KVM_ANALYZER_POLICY_*</c>) and the config file know them like every other option. They are read as text
    /// and checked by <see cref="Overrides"/> against the whole policy, because a field's range depends on others
    /// (a clear margin below its watermark, for one).
    /// </summary>
    public static IReadOnlyList<KvmMetrics.Options.Option<string?>> Definitions { get; } =
        [.. All.Select(f => KvmMetrics.Options.Opt.Text(f.Flag, null, f.Integer ? "a whole number" : "a number",
            string.Create(CultureInfo.InvariantCulture, $"Policy field {f.Name} (default {f.Get(ClusterPolicy.Default)}); overrides the cluster file's \"policy\" (docs/planning.md).")))];

    /// <summary>
    /// The policy flags given on the command line as one function that applies them to a base policy (the cluster
    /// file's, or the default for live sources), or null when none was given. Values are checked now, against the
    /// default policy, so a bad flag stops the command before any work starts.
    /// </summary>
    /// <exception cref="UsageException">A flag is not a number, not whole where it must be, or out of range.</exception>
    public static Func<ClusterPolicy, ClusterPolicy>? Overrides(CommandArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var given = new List<(Field Field, double Value)>();
        for (var i = 0; i < All.Count; i++)
        {
            var f = All[i];
            var text = args.Get(Definitions[i]);
            if (text is null)
            {
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) ||
                (f.Integer && (v != Math.Floor(v) || Math.Abs(v) > 1e15)))
            {
                throw new UsageException($"--{f.Flag} must be {(f.Integer ? "a whole number" : "a number")}, got '{text}'");
            }

            given.Add((f, v));
        }

        if (given.Count == 0)
        {
            return null;
        }

        ClusterPolicy Apply(ClusterPolicy p) => given.Aggregate(p, (acc, g) => g.Field.Set(acc, g.Value));
        if (Apply(ClusterPolicy.Default).Validate() is { } error)
        {
            throw new UsageException($"policy flags: {error} (flags: {string.Join(", ", given.Select(g => "--" + g.Field.Flag))})");
        }

        return Apply;
    }

    private static string Kebab(string camel)
    {
        var sb = new StringBuilder();
        foreach (var c in camel)
        {
            if (char.IsUpper(c))
            {
                sb.Append('-').Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
