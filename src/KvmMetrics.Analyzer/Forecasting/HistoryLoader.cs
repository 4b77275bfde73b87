using System.Globalization;
using System.IO.Compression;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Forecasting;

/// <summary>One input series resampled to the command's step.</summary>
/// <param name="Entity">VM, host or cluster.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Series">Values per step (mean of the raw samples), NaN for empty steps.</param>
public sealed record LoadedSeries(string Entity, string Metric, RegularSeries Series);

/// <summary>Reads a history CSV (plain or <c>.gz</c>) for the forecasting commands and resamples every series by mean.</summary>
public static class HistoryLoader
{
    /// <summary>Reads and resamples; progress lines go to <paramref name="error"/> for large files.</summary>
    /// <exception cref="UsageException">The file is missing, malformed (file and line named) or holds no series.</exception>
    public static IReadOnlyList<LoadedSeries> Load(string path, TimeSpan step, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(error);
        var progress = new SyncProgress<long>(rows => error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reading {path}: {rows:N0} rows")));
        IReadOnlyList<RawSeries> raw;
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path))
            {
                throw new UsageException($"history file '{path}' does not exist");
            }

            try
            {
                using var file = File.OpenRead(path);
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                using var reader = new StreamReader(gzip);
                raw = HistoryCsv.Read(reader, path, progress);
            }
            catch (InvalidDataException e)
            {
                throw new UsageException($"history file '{path}' is not valid gzip: {e.Message}");
            }
        }
        else
        {
            raw = HistoryCsv.ReadFile(path, progress);
        }

        if (raw.Count == 0)
        {
            throw new UsageException($"history file '{path}' holds no rows after the header");
        }

        var seconds = (long)step.TotalSeconds;
        var result = new LoadedSeries[raw.Count];
        Parallel.For(0, raw.Count, i => result[i] = new LoadedSeries(raw[i].Entity, raw[i].Metric, Resampler.Resample(raw[i].Timestamps, raw[i].Values, seconds)));
        return result;
    }

    /// <summary>Reports synchronously on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        /// <inheritdoc />
        public void Report(T value) => report(value);
    }
}
