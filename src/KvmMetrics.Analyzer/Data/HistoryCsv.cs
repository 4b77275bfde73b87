using System.Globalization;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Data;

/// <summary>
/// Reads the analyzer's history format: CSV with the header <c>timestamp,entity,metric,value</c>,
/// Unix seconds, one series per entity+metric, rows in any order. Malformed input is rejected with
/// the line number and the reason; duplicate timestamps within a series keep the last value.
/// Fields follow RFC 4180: a field holding a comma, a double quote or a line break is quoted, with <c>""</c> for a
/// quote, so any VM or host name (libvirt allows commas and quotes in domain names) round-trips.
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

            var first = lineNumber;
            var parts = line.Contains('"', StringComparison.Ordinal) ? SplitQuoted(line, reader, sourceName, ref lineNumber) : line.Split(',');
            if (parts.Length != 4)
            {
                throw new UsageException($"{sourceName}:{first}: expected 4 comma-separated fields, got {parts.Length}: '{Truncate(line)}'");
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
            var entity = Quote(s.Entity);
            var metric = Quote(s.Metric);
            for (var i = 0; i < s.Count; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{s.Timestamps[i]},{entity},{metric},{s.Values[i]:R}\n"));
            }
        }
    }

    /// <summary>The field as RFC 4180 writes it: quoted (quotes doubled) only when it holds a comma, quote or line break.</summary>
    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Splits a record with quoted fields; a quoted line break continues the record on the next lines.</summary>
    private static string[] SplitQuoted(string line, TextReader reader, string sourceName, ref long lineNumber)
    {
        var start = lineNumber;
        var fields = new List<string>(4);
        var field = new System.Text.StringBuilder();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i == line.Length)
                    {
                        // the quoted field goes on past the line end: the line break is part of it
                        if (reader.ReadLine() is not { } next || lineNumber - start >= 100)
                        {
                            throw new UsageException($"{sourceName}:{start}: a quoted field is not closed");
                        }

                        lineNumber++;
                        field.Append('\n');
                        line = next;
                        i = 0;
                        continue;
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new UsageException($"{sourceName}:{lineNumber}: text after a closing quote: '{Truncate(line)}'");
                }
            }
            else
            {
                var end = line.IndexOf(',', i);
                var raw = end < 0 ? line[i..] : line[i..end];
                if (raw.Contains('"', StringComparison.Ordinal))
                {
                    throw new UsageException($"{sourceName}:{lineNumber}: a quote inside an unquoted field (quote the whole field): '{Truncate(line)}'");
                }

                field.Append(raw);
                i += raw.Length;
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i >= line.Length)
            {
                return [.. fields];
            }

            i++; // the comma
            if (i == line.Length)
            {
                fields.Add(string.Empty);
                return [.. fields];
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
