using System.Globalization;
using System.Text.Json;

namespace KvmMetrics.Influx.Query;

/// <summary>One series of an InfluxQL result: measurement name, tags of the group, columns and rows.</summary>
/// <param name="Name">The measurement (or <c>SHOW</c> result) name.</param>
/// <param name="Tags">The GROUP BY tags of this series (empty without GROUP BY).</param>
/// <param name="Columns">Column names; <c>time</c> first for SELECT.</param>
/// <param name="Values">Rows: <see cref="long"/> for integral numbers (and epoch times), <see cref="double"/>, <see cref="string"/>, <see cref="bool"/> or null.</param>
public sealed record InfluxQlSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Values)
{
    /// <summary>Index of a column, or -1.</summary>
    public int ColumnIndex(string column) => Columns.ToList().IndexOf(column);

    /// <summary>A cell as a double (long and double cells convert, null stays null).</summary>
    public static double? AsDouble(object? cell) => cell switch
    {
        double d => d,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}

/// <summary>The result of one statement of an InfluxQL query.</summary>
/// <param name="StatementId">The statement's position in the query.</param>
/// <param name="Series">Its series.</param>
/// <param name="Error">The statement's error, or null.</param>
/// <param name="Partial">True when the server truncated the result (max-row-limit).</param>
public sealed record InfluxQlStatementResult(int StatementId, IReadOnlyList<InfluxQlSeries> Series, string? Error, bool Partial);

/// <summary>The parsed JSON answer of the v1 <c>/query</c> endpoint.</summary>
/// <param name="Statements">One result per statement.</param>
public sealed record InfluxQlResult(IReadOnlyList<InfluxQlStatementResult> Statements)
{
    /// <summary>All series of all statements.</summary>
    public IEnumerable<InfluxQlSeries> AllSeries => Statements.SelectMany(s => s.Series);

    /// <summary>Throws <see cref="InfluxException"/> when a statement failed.</summary>
    public InfluxQlResult EnsureSuccess()
    {
        var failed = Statements.FirstOrDefault(s => s.Error is not null);
        return failed is null ? this : throw new InfluxException($"InfluxQL statement {failed.StatementId} failed: {failed.Error}");
    }

    /// <summary>Parses the JSON body of <c>/query</c> (not chunked).</summary>
    /// <exception cref="InfluxException">The body is not the expected JSON, or carries a top-level error.</exception>
    public static InfluxQlResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var topError))
            {
                throw new InfluxException("InfluxQL query failed: " + topError.GetString());
            }

            if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                throw new InfluxException("InfluxQL answer has no 'results' array: " + Shorten(json));
            }

            var statements = new List<InfluxQlStatementResult>();
            foreach (var r in results.EnumerateArray())
            {
                var id = r.TryGetProperty("statement_id", out var sid) ? sid.GetInt32() : statements.Count;
                var error = r.TryGetProperty("error", out var e) ? e.GetString() : null;
                var partial = r.TryGetProperty("partial", out var p) && p.ValueKind == JsonValueKind.True;
                var series = new List<InfluxQlSeries>();
                if (r.TryGetProperty("series", out var ss))
                {
                    foreach (var s in ss.EnumerateArray())
                    {
                        series.Add(ParseSeries(s));
                    }
                }

                statements.Add(new InfluxQlStatementResult(id, series, error, partial));
            }

            return new InfluxQlResult(statements);
        }
        catch (JsonException ex)
        {
            throw new InfluxException("InfluxQL answer is not valid JSON: " + Shorten(json), ex);
        }
    }

    private static InfluxQlSeries ParseSeries(JsonElement s)
    {
        var name = s.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in t.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
            }
        }

        var columns = s.TryGetProperty("columns", out var c) ? c.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray() : [];
        var values = new List<object?[]>();
        if (s.TryGetProperty("values", out var v))
        {
            foreach (var row in v.EnumerateArray())
            {
                values.Add([.. row.EnumerateArray().Select(Cell)]);
            }
        }

        return new InfluxQlSeries(name, tags, columns, values);
    }

    private static object? Cell(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => IsIntegral(e) && e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => e.GetRawText(),
    };

    private static bool IsIntegral(JsonElement e) => e.GetRawText().AsSpan().IndexOfAny(".eE") < 0;

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
