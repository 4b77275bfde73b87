using System.Text;

namespace KvmMetrics.Influx.LineProtocol;

/// <summary>Which server's reading of backslashes in names the escaper targets.</summary>
public enum LineProtocolDialect
{
    /// <summary>
    /// The documented line protocol (InfluxDB 2.x and later): <c>\</c> is one backslash, a backslash
    /// before a plain character is literal.
    /// </summary>
    Spec,

    /// <summary>
    /// InfluxDB 1.x: a special character preceded by a backslash is escaped even when that backslash
    /// is itself preceded by one, and <c>\</c> is read as two backslashes.
    /// </summary>
    InfluxDb1,
}

/// <summary>
/// Escaping rules of the InfluxDB line protocol, element by element
/// (https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/#special-characters):
/// measurement: comma and space; tag keys, tag values, field keys: comma, equals sign and space;
/// string field values: double quote and backslash.
/// </summary>
/// <remarks>
/// Backslashes in names: with <see cref="LineProtocolDialect.Spec"/> a backslash is doubled when it
/// is last or precedes a special character or another backslash, and written as is otherwise. With
/// <see cref="LineProtocolDialect.InfluxDb1"/> (measured on influxd 1.6) backslashes are written as
/// is, which 1.x reads back exactly, except a name ending in a backslash: 1.x cannot read that at
/// all (the backslash escapes the separator), so the last backslash is written as <c>_</c>.
/// Line breaks cannot appear in names or tag values, so CR, LF and TAB are written as the two
/// characters <c>\r</c>, <c>\n</c>, <c>\t</c> (as the official clients do): lossy but never a broken line.
/// </remarks>
public static class LineProtocolEscaper
{
    /// <summary>Appends an escaped measurement name.</summary>
    public static void AppendMeasurement(StringBuilder sb, string name, LineProtocolDialect dialect = LineProtocolDialect.Spec) =>
        AppendName(sb, name, escapeEquals: false, dialect);

    /// <summary>Appends an escaped tag key, tag value or field key.</summary>
    public static void AppendKey(StringBuilder sb, string name, LineProtocolDialect dialect = LineProtocolDialect.Spec) =>
        AppendName(sb, name, escapeEquals: true, dialect);

    /// <summary>Appends a quoted, escaped string field value.</summary>
    public static void AppendStringField(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    /// <summary>The escaped form of a measurement name.</summary>
    public static string EscapeMeasurement(string name, LineProtocolDialect dialect = LineProtocolDialect.Spec)
    {
        var sb = new StringBuilder(name.Length + 8);
        AppendMeasurement(sb, name, dialect);
        return sb.ToString();
    }

    /// <summary>The escaped form of a tag key, tag value or field key.</summary>
    public static string EscapeKey(string name, LineProtocolDialect dialect = LineProtocolDialect.Spec)
    {
        var sb = new StringBuilder(name.Length + 8);
        AppendKey(sb, name, dialect);
        return sb.ToString();
    }

    private static void AppendName(StringBuilder sb, string name, bool escapeEquals, LineProtocolDialect dialect)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            switch (c)
            {
                case ',' or ' ':
                    sb.Append('\\').Append(c);
                    break;
                case '=' when escapeEquals:
                    sb.Append("\\=");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\\' when dialect == LineProtocolDialect.InfluxDb1:
                    sb.Append(i + 1 == name.Length ? '_' : '\\');
                    break;
                case '\\':
                    var next = i + 1 < name.Length ? name[i + 1] : '\0';
                    var needsDouble = i + 1 == name.Length || next is ',' or ' ' or '\\' or '\n' or '\r' or '\t' || (escapeEquals && next == '=');
                    sb.Append(needsDouble ? "\\\\" : "\\");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }
}
