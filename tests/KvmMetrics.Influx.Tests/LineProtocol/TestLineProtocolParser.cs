using System.Globalization;
using System.Text;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Tests.LineProtocol;

/// <summary>A parsed line: written independently of the serializer, from the spec text, to check it.</summary>
internal sealed record ParsedLine(string Measurement, List<KeyValuePair<string, string>> Tags, List<KeyValuePair<string, object>> Fields, long? Timestamp);

/// <summary>
/// A small line-protocol parser for tests. <see cref="LineProtocolDialect.Spec"/>: a backslash
/// before a special character or another backslash escapes it. <see cref="LineProtocolDialect.InfluxDb1"/>:
/// a backslash escapes only a following special character (what influxd 1.6 does).
/// </summary>
internal static class TestLineProtocolParser
{
    public static ParsedLine Parse(string line, LineProtocolDialect dialect = LineProtocolDialect.Spec)
    {
        var i = 0;
        var measurement = ReadName(line, ref i, [',', ' '], dialect);
        var tags = new List<KeyValuePair<string, string>>();
        while (i < line.Length && line[i] == ',')
        {
            i++;
            var key = ReadName(line, ref i, [',', '=', ' '], dialect);
            Expect(line, ref i, '=');
            var value = ReadName(line, ref i, [',', '=', ' '], dialect);
            tags.Add(new(key, value));
        }

        Expect(line, ref i, ' ');
        var fields = new List<KeyValuePair<string, object>>();
        while (true)
        {
            var key = ReadName(line, ref i, [',', '=', ' '], dialect);
            Expect(line, ref i, '=');
            fields.Add(new(key, ReadFieldValue(line, ref i)));
            if (i < line.Length && line[i] == ',')
            {
                i++;
                continue;
            }

            break;
        }

        long? timestamp = null;
        if (i < line.Length)
        {
            Expect(line, ref i, ' ');
            timestamp = long.Parse(line.AsSpan(i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return new ParsedLine(measurement, tags, fields, timestamp);
    }

    private static string ReadName(string line, ref int i, char[] terminators, LineProtocolDialect dialect)
    {
        var sb = new StringBuilder();
        while (i < line.Length && Array.IndexOf(terminators, line[i]) < 0)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                var next = line[i + 1];
                // Escapable: the element's own special characters (measurement: comma, space; keys and
                // tag values: comma, equals, space), plus a backslash in the spec dialect.
                var escapes = Array.IndexOf(terminators, next) >= 0 || (dialect == LineProtocolDialect.Spec && next == '\\');
                if (escapes)
                {
                    sb.Append(next);
                    i += 2;
                    continue;
                }
            }

            sb.Append(line[i]);
            i++;
        }

        if (sb.Length == 0)
        {
            throw new FormatException($"empty name at {i} in '{line}'");
        }

        return sb.ToString();
    }

    private static object ReadFieldValue(string line, ref int i)
    {
        if (i < line.Length && line[i] == '"')
        {
            i++;
            var sb = new StringBuilder();
            while (i < line.Length && line[i] != '"')
            {
                if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    i++;
                }

                sb.Append(line[i]);
                i++;
            }

            Expect(line, ref i, '"');
            return sb.ToString();
        }

        var start = i;
        while (i < line.Length && line[i] != ',' && line[i] != ' ')
        {
            i++;
        }

        var text = line[start..i];
        if (text.EndsWith('i'))
        {
            return long.Parse(text[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return text switch
        {
            "t" or "T" or "true" or "True" or "TRUE" => true,
            "f" or "F" or "false" or "False" or "FALSE" => false,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    private static void Expect(string line, ref int i, char c)
    {
        if (i >= line.Length || line[i] != c)
        {
            throw new FormatException($"expected '{c}' at {i} in '{line}'");
        }

        i++;
    }
}
