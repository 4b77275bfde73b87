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

    private static Stream Open(string name) =>
        typeof(BundledSample).Assembly.GetManifestResourceStream("KvmMetrics.Analyzer.Sample." + name)
        ?? throw new UsageException($"the bundled sample resource '{name}' is missing from this build; run scripts/build-sample.sh");
}
