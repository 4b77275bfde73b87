using System.Globalization;
using System.Text;

namespace KvmMetrics.Analyzer.Report;

/// <summary>
/// Writes every table of the report in long form, <c>table,row,column,value</c> (RFC 4180 quoting),
/// the same formatted cells as the HTML and Markdown, so a spreadsheet pivot gives back each table.
/// </summary>
public static class CsvReportWriter
{
    /// <summary>The header line.</summary>
    public const string Header = "table,row,column,value";

    /// <summary>Renders the document.</summary>
    public static string Render(ReportDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var table in doc.AllTables)
        {
            for (var r = 0; r < table.Rows.Count; r++)
            {
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    sb.Append(Quote(table.Id)).Append(',').Append(r.ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(Quote(table.Columns[c])).Append(',').Append(Quote(table.Rows[r][c])).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>Quotes a field when it holds a comma, quote or line break.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
