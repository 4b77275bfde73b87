namespace KvmMetrics.Analysis.Hotspots;

/// <summary>One hotspot on one host.</summary>
/// <param name="Host">The host.</param>
/// <param name="Rule">cpu-sustained, memory-used, memory-headroom, contention or will-be-hot.</param>
/// <param name="Severity">critical, warning or info.</param>
/// <param name="Start">When it started (for will-be-hot: the first forecast hour above the watermark), Unix seconds.</param>
/// <param name="End">When it ended; null while active.</param>
/// <param name="Series">The series the rule evaluated.</param>
/// <param name="Threshold">The enter threshold, in the series' unit.</param>
/// <param name="Peak">Highest value during the finding, same unit.</param>
/// <param name="Message">One sentence for the operator.</param>
public sealed record HotspotFinding(
    string Host, string Rule, string Severity, long Start, long? End, string Series, double Threshold, double Peak, string Message);

/// <summary>A VM suspected of causing contention on its host, with the evidence.</summary>
/// <param name="Host">The contended host.</param>
/// <param name="Vm">The suspect.</param>
/// <param name="Rank">1 = most likely.</param>
/// <param name="Score">Load rise (cores) times the correlation of its load with the others' steal.</param>
/// <param name="LoadRiseCores">Its mean CPU during contention minus before, cores.</param>
/// <param name="OthersStealRiseCores">The other VMs' summed steal during contention minus before, cores.</param>
/// <param name="Correlation">Pearson correlation of its CPU with the others' summed steal over both periods.</param>
/// <param name="Evidence">The numbers in one sentence.</param>
public sealed record NoisyNeighbour(
    string Host, string Vm, int Rank, double Score, double LoadRiseCores, double OthersStealRiseCores, double Correlation, string Evidence);

/// <summary>Everything the hotspot analysis found.</summary>
/// <param name="Findings">Findings ordered by host, rule and start.</param>
/// <param name="NoisyNeighbours">Suspects on contended hosts, ranked per host.</param>
public sealed record HotspotReport(IReadOnlyList<HotspotFinding> Findings, IReadOnlyList<NoisyNeighbour> NoisyNeighbours);

/// <summary>The names of the hotspot rules, the values of <see cref="HotspotFinding.Rule"/>: compare with these, never by prefix.</summary>
public static class HotspotRules
{
    /// <summary>Sustained host CPU above the watermark.</summary>
    public const string CpuSustained = "cpu-sustained";

    /// <summary>Memory used above the memory watermark.</summary>
    public const string MemoryUsed = "memory-used";

    /// <summary>Free memory smaller than the cluster's largest VM.</summary>
    public const string MemoryHeadroom = "memory-headroom";

    /// <summary>vCPU steal above the policy's share.</summary>
    public const string Contention = "contention";

    /// <summary>Forecast p95 CPU above the watermark in the next hours.</summary>
    public const string WillBeHot = "will-be-hot";
}
