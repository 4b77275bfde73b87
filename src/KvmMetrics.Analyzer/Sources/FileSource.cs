using System.Globalization;
using System.IO.Compression;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;
using KvmMetrics.Analyzer.Planning;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>
/// A cluster JSON (format of the <c>plan</c> command) and a history CSV
/// (<c>timestamp,entity,metric,value</c>, optionally gzip-compressed when the name ends in .gz).
/// </summary>
/// <param name="ClusterPath">The cluster JSON path.</param>
/// <param name="HistoryPath">The history CSV path.</param>
public sealed class FileSource(string ClusterPath, string HistoryPath) : IAnalysisSource
{
    /// <inheritdoc />
    public string Name => "files";

    /// <inheritdoc />
    public Task<AnalysisData> LoadAsync(long? now, CancellationToken cancellationToken)
    {
        var cluster = ClusterJsonReader.ReadFile(ClusterPath);
        var series = ReadHistory(HistoryPath);
        var warnings = new List<string>();
        var names = cluster.Snapshot.Vms.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = series.Select(s => s.Entity).Distinct().Where(e => !names.Contains(e)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{HistoryPath}: {unknown.Length} entities are not VMs of {ClusterPath} and were ignored ({string.Join(", ", unknown.Take(5))})"));
        }

        var without = cluster.Snapshot.Vms.Where(v => !series.Any(s => s.Entity == v.Name)).Select(v => v.Name).ToArray();
        if (without.Length > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{without.Length} VMs have no history and count as zero load ({string.Join(", ", without.Take(5))})"));
        }

        var newest = AnalysisData.Newest(series);
        var defaultNow = cluster.HasPlanTime ? cluster.Snapshot.PlanTime
            : newest is { } n ? n + 1
            : throw new UsageException($"{ClusterPath} has no planTime and {HistoryPath} has no samples; pass --now or add \"planTime\"");
        var description = string.Create(CultureInfo.InvariantCulture, $"files {Path.GetFileName(ClusterPath)} + {Path.GetFileName(HistoryPath)}: {cluster.Snapshot.Hosts.Count} hosts, {cluster.Snapshot.Vms.Count} VMs");
        return Task.FromResult(new AnalysisData(cluster, series, description, warnings, defaultNow));
    }

    /// <summary>Reads a history CSV, decompressing it when the name ends in .gz.</summary>
    public static IReadOnlyList<RawSeries> ReadHistory(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return HistoryCsv.ReadFile(path);
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"history file '{path}' does not exist");
        }

        try
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            return HistoryCsv.Read(reader, path);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"{path} is not valid gzip ({e.Message}); give an uncompressed .csv or a .csv.gz");
        }
    }
}
