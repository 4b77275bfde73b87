using System.IO.Compression;
using System.Reflection;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Sample;

/// <summary>The sample cluster embedded in the analyzer binary (built by <see cref="SampleBuilder"/>).</summary>
public static class BundledSample
{
    /// <summary>The cluster JSON text (format of the <c>plan</c> command).</summary>
    public static string ClusterJson()
    {
        using var stream = Open(SampleBuilder.ClusterFile);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The hourly per-VM history (cpu_cores, memory_bytes, disk and network rates).</summary>
    public static IReadOnlyList<RawSeries> History()
    {
        using var stream = Open(SampleBuilder.HistoryFile);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return HistoryCsv.Read(reader, "bundled sample " + SampleBuilder.HistoryFile);
    }

    /// <summary>Writes the sample as the files source reads it, <c>cluster.json</c> and <c>history.csv.gz</c> (the embedded
    /// gzip CSV as it is), into <paramref name="directory"/>; returns both paths.</summary>
    public static (string Cluster, string History) WriteFiles(string directory)
    {
        var cluster = Path.Combine(directory, "cluster.json");
        var history = Path.Combine(directory, "history.csv.gz");
        File.WriteAllText(cluster, ClusterJson());
        using var stream = Open(SampleBuilder.HistoryFile);
        using var file = File.Create(history);
        stream.CopyTo(file);
        return (cluster, history);
    }

    private static Stream Open(string name) =>
        typeof(BundledSample).Assembly.GetManifestResourceStream("KvmMetrics.Analyzer.Sample." + name)
        ?? throw new UsageException($"the bundled sample resource '{name}' is missing from this build; run scripts/build-sample.sh");
}
