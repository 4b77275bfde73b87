using System.Globalization;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Forecasting;

/// <summary>One input series resampled to the command's step.</summary>
/// <param name="Entity">VM, host or cluster.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Series">Values per step (mean of the raw samples), NaN for empty steps.</param>
public sealed record LoadedSeries(string Entity, string Metric, RegularSeries Series);

/// <summary>Reads a history CSV for the forecasting commands and resamples every series by mean.</summary>
public static class HistoryLoader
{
    /// <summary>Reads and resamples; progress lines go to <paramref name="error"/> for large files.</summary>
    /// <exception cref="UsageException">The file is missing, malformed or holds no series.</exception>
    public static IReadOnlyList<LoadedSeries> Load(string path, TimeSpan step, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var raw = HistoryCsv.ReadFile(path, new SyncProgress<long>(rows => error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reading {path}: {rows:N0} rows"))));
        if (raw.Count == 0)
        {
            throw new UsageException($"history file '{path}' holds no rows after the header");
        }

        var seconds = (long)step.TotalSeconds;
        return raw.Select(s => new LoadedSeries(s.Entity, s.Metric, Resampler.Resample(s.Timestamps, s.Values, seconds))).ToArray();
    }

    /// <summary>Reports synchronously on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        /// <inheritdoc />
        public void Report(T value) => report(value);
    }
}
