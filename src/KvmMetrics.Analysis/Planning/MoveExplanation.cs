using System.Globalization;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Why one move is in the plan, as numbers a person reads: the forecast CPU p95 peak of both hosts over the plan
/// horizon before and after the move (in the plan's order, so after the moves before it), what the VM uses of its
/// vCPUs, and how long the migration takes at the policy's link speed. <see cref="Render"/> is the one place it
/// becomes text; the report, the CLI and the JSON show that text.
/// </summary>
/// <param name="Kind">Why the move exists.</param>
/// <param name="Vm">The VM.</param>
/// <param name="From">Source host.</param>
/// <param name="To">Target host.</param>
/// <param name="HorizonHours">Forecast horizon the loads are over.</param>
/// <param name="Watermark">CPU watermark, fraction of host cores.</param>
/// <param name="FromBefore">Source host's forecast p95 peak before the move, fraction of its cores.</param>
/// <param name="FromAfter">The same after the move.</param>
/// <param name="ToBefore">Target host's forecast p95 peak before the move, fraction of its cores.</param>
/// <param name="ToAfter">The same after the move.</param>
/// <param name="VmP95Cores">Highest hourly p95 of the VM's forecast CPU demand over the horizon, cores.</param>
/// <param name="VmVcpus">The VM's vCPUs.</param>
/// <param name="MemoryBytes">The VM's memory (what a live migration copies at least once).</param>
/// <param name="EstimatedSeconds">Estimated migration time, seconds (pre-copy rounds included).</param>
/// <param name="LinkBytesPerSecond">Link speed the estimate assumes (policy).</param>
public sealed record MoveExplanation(
    MoveKind Kind, string Vm, string From, string To, int HorizonHours, double Watermark,
    double FromBefore, double FromAfter, double ToBefore, double ToAfter,
    double VmP95Cores, int VmVcpus, long MemoryBytes, double EstimatedSeconds, double LinkBytesPerSecond)
{
    /// <summary>
    /// One line, e.g. "host-a CPU p95 next 7 d 104% → 71%, host-b 40% → 62% (watermark 80%); vm-x uses 3.1 of 4 vCPUs
    /// at p95; migration ≈ 40 s at 10 Gbit/s for 32 GiB".
    /// </summary>
    public string Render()
    {
        var c = CultureInfo.InvariantCulture;
        var horizon = HorizonHours % 24 == 0 ? string.Create(c, $"{HorizonHours / 24} d") : string.Create(c, $"{HorizonHours} h");
        var prefix = Kind switch
        {
            MoveKind.Drain => $"drain {From}: ",
            MoveKind.AntiAffinity => $"anti-affinity: ",
            _ => "",
        };
        var seconds = EstimatedSeconds < 1 ? "< 1 s"
            : EstimatedSeconds < 120 ? string.Create(c, $"≈ {EstimatedSeconds:0} s")
            : string.Create(c, $"≈ {EstimatedSeconds / 60:0.#} min");
        var gbit = LinkBytesPerSecond * 8 / 1e9;
        return string.Create(c,
            $"{prefix}{From} CPU p95 next {horizon} {FromBefore:0%} → {FromAfter:0%}, {To} {ToBefore:0%} → {ToAfter:0%} (watermark {Watermark:0%}); " +
            $"{Vm} uses {VmP95Cores:0.#} of {VmVcpus} vCPUs at p95; " +
            $"migration {seconds} at {gbit:0.##} Gbit/s for {MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB");
    }
}
