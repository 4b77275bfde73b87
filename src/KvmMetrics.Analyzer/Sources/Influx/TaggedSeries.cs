using KvmMetrics.Influx;
using KvmMetrics.Influx.Query;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>One series as InfluxDB returned it: its tags and its (time, value) points, sorted by time.</summary>
/// <param name="Tags">Tag key to value.</param>
/// <param name="Times">Unix seconds, strictly increasing.</param>
/// <param name="Values">Finite values.</param>
public sealed record TaggedSeries(IReadOnlyDictionary<string, string> Tags, long[] Times, double[] Values)
{
    /// <summary>A tag's value, or null when absent or empty.</summary>
    public string? Tag(string key) => Tags.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
}

/// <summary>
/// Collects the rows of InfluxQL results and Flux tables into one series per tag set, so the chunks of a long
/// range (and the tables Flux may split a series into) come back as one sorted series. Null and non-finite
/// values are skipped: a missing value is a gap, not a zero.
/// </summary>
public sealed class TaggedSeriesSet
{
    private static readonly HashSet<string> FluxNonTags = new(StringComparer.Ordinal) { "_start", "_stop", "_field", "_measurement", "_time", "_value" };
    private readonly Dictionary<string, (IReadOnlyDictionary<string, string> Tags, SortedList<long, double> Points)> _series = new(StringComparer.Ordinal);

    /// <summary>Adds the series of an InfluxQL answer (<c>epoch=s</c>).</summary>
    /// <exception cref="InfluxException">A statement failed or the server cut the answer short (max-row-limit).</exception>
    public void Add(InfluxQlResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.EnsureSuccess();
        if (result.Statements.Any(s => s.Partial))
        {
            throw new InfluxException("InfluxDB truncated the answer (its [http] max-row-limit); lower --influx.step's chunk or raise max-row-limit");
        }

        foreach (var s in result.AllSeries)
        {
            var time = s.ColumnIndex("time");
            var value = Enumerable.Range(0, s.Columns.Count).FirstOrDefault(i => i != time, -1);
            if (time < 0 || value < 0)
            {
                continue;
            }

            var points = PointsFor(s.Tags);
            foreach (var row in s.Values)
            {
                if (row.Length > Math.Max(time, value) && row[time] is long t && InfluxQlSeries.AsDouble(row[value]) is { } v && double.IsFinite(v))
                {
                    points[t] = v;
                }
            }
        }
    }

    /// <summary>Adds the tables of a Flux answer; tags are the group-key columns other than <c>_start</c>, <c>_stop</c>, <c>_field</c>, <c>_measurement</c>.</summary>
    public void Add(IReadOnlyList<FluxTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var table in tables)
        {
            if (table.Records.Count == 0)
            {
                continue;
            }

            var tags = table.GroupKey.Where(k => !FluxNonTags.Contains(k.Key) && k.Value is string)
                .ToDictionary(k => k.Key, k => (string)k.Value!, StringComparer.Ordinal);
            var points = PointsFor(tags);
            foreach (var record in table.Records)
            {
                double? v = record.Value switch
                {
                    double d => d,
                    long l => l,
                    ulong u => u,
                    _ => null,
                };
                if (record.Time is { } t && v is { } value && double.IsFinite(value))
                {
                    points[t.ToUnixTimeSeconds()] = value;
                }
            }
        }
    }

    /// <summary>The collected series, ordered by their tags.</summary>
    public IReadOnlyList<TaggedSeries> ToList() => _series.OrderBy(s => s.Key, StringComparer.Ordinal)
        .Select(s => new TaggedSeries(s.Value.Tags, [.. s.Value.Points.Keys], [.. s.Value.Points.Values])).ToArray();

    private SortedList<long, double> PointsFor(IReadOnlyDictionary<string, string> tags)
    {
        var key = string.Join("\u0000", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value));
        if (!_series.TryGetValue(key, out var entry))
        {
            entry = (new Dictionary<string, string>(tags, StringComparer.Ordinal), new SortedList<long, double>());
            _series.Add(key, entry);
        }

        return entry.Points;
    }
}
