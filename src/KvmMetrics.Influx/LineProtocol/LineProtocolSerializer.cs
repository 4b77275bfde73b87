using System.Globalization;
using System.Text;

namespace KvmMetrics.Influx.LineProtocol;

/// <summary>Why a point was not written.</summary>
public enum PointDropReason
{
    /// <summary>The point had no field left to write (none given, or all were NaN/±Inf).</summary>
    NoFields,

    /// <summary>The measurement, a tag key or a field key was empty or started a comment line.</summary>
    Invalid,
}

/// <summary>
/// Serializes <see cref="PointData"/> to line protocol: tags sorted by key (the order InfluxDB
/// stores them, which saves it a sort), empty tag values omitted, floats in the shortest
/// round-trip invariant form, integers with <c>i</c>, NaN and infinities dropped and counted.
/// </summary>
public static class LineProtocolSerializer
{
    /// <summary>
    /// Appends one line (with its trailing <c>\n</c>) for <paramref name="point"/>, or appends
    /// nothing and returns the reason. <paramref name="nonFiniteDropped"/> receives the number of
    /// NaN/±Inf float fields that were left out.
    /// </summary>
    public static PointDropReason? TryAppend(StringBuilder sb, PointData point, WritePrecision precision, out int nonFiniteDropped, LineProtocolDialect dialect = LineProtocolDialect.Spec)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(point);
        nonFiniteDropped = 0;
        var finiteFields = 0;
        foreach (var field in point.Fields)
        {
            if (field.Value.IsNonFinite)
            {
                nonFiniteDropped++;
            }
            else
            {
                finiteFields++;
                if (field.Key.Length == 0)
                {
                    return PointDropReason.Invalid;
                }
            }
        }

        if (point.Measurement.Length == 0 || point.Measurement[0] == '#' || point.Tags.Any(t => t.Key.Length == 0))
        {
            return PointDropReason.Invalid;
        }

        if (finiteFields == 0)
        {
            return PointDropReason.NoFields;
        }

        LineProtocolEscaper.AppendMeasurement(sb, point.Measurement, dialect);
        AppendTags(sb, point.Tags, dialect);
        sb.Append(' ');
        var first = true;
        foreach (var field in point.Fields)
        {
            if (field.Value.IsNonFinite)
            {
                continue;
            }

            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            LineProtocolEscaper.AppendKey(sb, field.Key, dialect);
            sb.Append('=');
            AppendFieldValue(sb, field.Value);
        }

        if (point.UnixNanoseconds is { } ns)
        {
            sb.Append(' ').Append(precision.FromNanoseconds(ns).ToString(CultureInfo.InvariantCulture));
        }

        sb.Append('\n');
        return null;
    }

    /// <summary>Serializes one point to a line without the trailing newline (null when it is dropped).</summary>
    public static string? ToLine(PointData point, WritePrecision precision = WritePrecision.Nanoseconds, LineProtocolDialect dialect = LineProtocolDialect.Spec)
    {
        var sb = new StringBuilder(128);
        return TryAppend(sb, point, precision, out _, dialect) is null ? sb.ToString(0, sb.Length - 1) : null;
    }

    /// <summary>Formats a float as line protocol does: shortest round-trip form, invariant culture.</summary>
    public static string FormatFloat(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void AppendTags(StringBuilder sb, IReadOnlyList<KeyValuePair<string, string>> tags, LineProtocolDialect dialect)
    {
        if (tags.Count == 0)
        {
            return;
        }

        IEnumerable<KeyValuePair<string, string>> ordered = tags;
        if (!IsSorted(tags))
        {
            ordered = tags.OrderBy(t => t.Key, StringComparer.Ordinal);
        }

        foreach (var tag in ordered)
        {
            if (tag.Value.Length == 0)
            {
                continue;
            }

            sb.Append(',');
            LineProtocolEscaper.AppendKey(sb, tag.Key, dialect);
            sb.Append('=');
            LineProtocolEscaper.AppendKey(sb, tag.Value, dialect);
        }
    }

    private static bool IsSorted(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        for (var i = 1; i < tags.Count; i++)
        {
            if (string.CompareOrdinal(tags[i - 1].Key, tags[i].Key) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendFieldValue(StringBuilder sb, FieldValue value)
    {
        switch (value.Kind)
        {
            case FieldKind.Float:
                sb.Append(value.AsFloat.ToString("R", CultureInfo.InvariantCulture));
                break;
            case FieldKind.Integer:
                sb.Append(value.AsInteger.ToString(CultureInfo.InvariantCulture)).Append('i');
                break;
            case FieldKind.Boolean:
                sb.Append(value.AsBoolean ? "true" : "false");
                break;
            default:
                LineProtocolEscaper.AppendStringField(sb, value.AsString);
                break;
        }
    }
}
