using System.Globalization;
using System.Text;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>
/// The query text of the InfluxDB source, for InfluxQL (v1 <c>/query</c>) and Flux (v2 <c>/api/v2/query</c>).
/// Both ask the same thing: the last value of every series of one measurement per step-aligned window,
/// labelled with the window start; rates and sums are computed by the caller, identically for both languages.
/// Every name from options or data is quoted here, never pasted.
/// </summary>
public static class InfluxQueryText
{
    /// <summary>
    /// An InfluxQL quoted identifier. The 1.x scanner (influxql ScanString) reads <c>\\</c>, <c>\"</c>,
    /// <c>\'</c> and <c>\n</c> inside quotes and rejects a raw line feed, so exactly those are escaped.
    /// </summary>
    public static string QuoteIdentifier(string name) => Quote(name, '"');

    /// <summary>An InfluxQL string literal (single quotes), escaped like <see cref="QuoteIdentifier"/>.</summary>
    public static string QuoteString(string value) => Quote(value, '\'');

    /// <summary>
    /// A Flux string literal: the spec's escapes <c>\\</c>, <c>\"</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, and
    /// <c>\${</c> so a name cannot open an interpolation (Flux SPEC.md, "String literals").
    /// </summary>
    public static string FluxString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            _ = c switch
            {
                '\\' => sb.Append(@"\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append(@"\n"),
                '\r' => sb.Append(@"\r"),
                '\t' => sb.Append(@"\t"),
                '$' when i + 1 < value.Length && value[i + 1] == '{' => sb.Append(@"\$"),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }

    /// <summary>The measurement in a FROM clause, with the retention policy when one is given.</summary>
    public static string From(string? retentionPolicy, string measurement) =>
        string.IsNullOrEmpty(retentionPolicy) ? QuoteIdentifier(measurement) : QuoteIdentifier(retentionPolicy) + "." + QuoteIdentifier(measurement);

    /// <summary>InfluxQL: the last value of each series per window of <paramref name="step"/> seconds in [from, to).</summary>
    public static string InfluxQlWindows(string? retentionPolicy, string measurement, long from, long to, long step) => string.Create(CultureInfo.InvariantCulture,
        $"SELECT last({QuoteIdentifier(ExporterInfluxSchema.ValueField)}) FROM {From(retentionPolicy, measurement)} WHERE time >= {from}s AND time < {to}s GROUP BY time({step}s), * fill(none)");

    /// <summary>InfluxQL: the last value of each series in [from, to).</summary>
    public static string InfluxQlLast(string? retentionPolicy, string measurement, long from, long to) => string.Create(CultureInfo.InvariantCulture,
        $"SELECT last({QuoteIdentifier(ExporterInfluxSchema.ValueField)}) FROM {From(retentionPolicy, measurement)} WHERE time >= {from}s AND time < {to}s GROUP BY *");

    /// <summary>Flux: the last value of each series per window of <paramref name="step"/> seconds in [from, to), stamped with the window start.</summary>
    public static string FluxWindows(string bucket, string measurement, long from, long to, long step) =>
        FluxSelect(bucket, measurement, from, to) + string.Create(CultureInfo.InvariantCulture, $"\n  |> aggregateWindow(every: {step}s, fn: last, createEmpty: false, timeSrc: \"_start\")");

    /// <summary>Flux: the last value of each series in [from, to).</summary>
    public static string FluxLast(string bucket, string measurement, long from, long to) => FluxSelect(bucket, measurement, from, to) + "\n  |> last()";

    private static string FluxSelect(string bucket, string measurement, long from, long to) => string.Create(CultureInfo.InvariantCulture,
        $"from(bucket: {FluxString(bucket)})\n  |> range(start: {Rfc3339(from)}, stop: {Rfc3339(to)})\n  |> filter(fn: (r) => r._measurement == {FluxString(measurement)} and r._field == {FluxString(ExporterInfluxSchema.ValueField)})");

    private static string Rfc3339(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Quote(string text, char quote)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => sb.Append(@"\\"),
                '\n' => sb.Append(@"\n"),
                _ when c == quote => sb.Append('\\').Append(c),
                _ => sb.Append(c),
            };
        }

        return sb.Append(quote).ToString();
    }
}
