using System.Globalization;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Data;

/// <summary>
/// Reads the analyzer's history format: CSV with the header <c>timestamp,entity,metric,value</c>,
/// Unix seconds, one series per entity+metric, rows in any order. Malformed input is rejected with
/// the line number and the reason; duplicate timestamps within a series keep the last value.
/// </summary>
public static class HistoryCsv
{
    private const string Header = "timestamp,entity,metric,value";

    /// <summary>Reads a history file; <paramref name="progress"/> gets the number of rows read so far every 100k rows.</summary>
    /// <exception cref="UsageException">The file is missing or malformed (the message names the file, line and reason).</exception>
    public static IReadOnlyList<RawSeries> ReadFile(string path, IProgress<long>? progress = null)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"history file '{path}' does not exist");
        }

        using var reader = new StreamReader(path);
        return Read(reader, path, progress);
    }

    /// <summary>Reads history from a reader; <paramref name="sourceName"/> is used in error messages.</summary>
    public static IReadOnlyList<RawSeries> Read(TextReader reader, string sourceName, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine();
        if (header is null || !string.Equals(header.Trim().TrimStart('\uFEFF'), Header, StringComparison.Ordinal))
        {
            throw new UsageException($"{sourceName}:1: expected the header '{Header}', got '{Truncate(header ?? "<empty file>")}'");
        }

        var series = new Dictionary<(string Entity, string Metric), SortedDictionary<long, double>>();
        long lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length != 4)
            {
                throw new UsageException($"{sourceName}:{lineNumber}: expected 4 comma-separated fields, got {parts.Length}: '{Truncate(line)}'");
            }

            if (!long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ts) || ts < 0 || ts > 32_503_680_000)
            {
                throw new UsageException($"{sourceName}:{lineNumber}: timestamp '{Truncate(parts[0])}' is not Unix seconds");
            }

            if (parts[1].Length == 0 || parts[2].Length == 0)
            {
                throw new UsageException($"{sourceName}:{lineNumber}: entity and metric must not be empty");
            }

            if (!double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new UsageException($"{sourceName}:{lineNumber}: value '{Truncate(parts[3])}' is not a finite number");
            }

            var key = (parts[1], parts[2]);
            if (!series.TryGetValue(key, out var points))
            {
                points = [];
                series.Add(key, points);
            }

            points[ts] = value;
            if (lineNumber % 100_000 == 0)
            {
                progress?.Report(lineNumber);
            }
        }

        return series
            .OrderBy(kv => kv.Key.Entity, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Metric, StringComparer.Ordinal)
            .Select(kv => new RawSeries(kv.Key.Entity, kv.Key.Metric, [.. kv.Value.Keys], [.. kv.Value.Values]))
            .ToArray();
    }

    /// <summary>Writes series in the history format (rows grouped by series, in time order).</summary>
    public static void Write(TextWriter writer, IEnumerable<RawSeries> series)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(series);
        writer.Write(Header + "\n");
        foreach (var s in series)
        {
            for (var i = 0; i < s.Count; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{s.Timestamps[i]},{s.Entity},{s.Metric},{s.Values[i]:R}\n"));
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
