using System.Text;
using static KvmMetrics.Analyzer.Report.Fmt;

namespace KvmMetrics.Analyzer.Report;

/// <summary>
/// Writes the report as GitHub-flavoured Markdown with the same tables and cells as the HTML;
/// each table is preceded by an <c>&lt;!-- table:id --&gt;</c> marker so it can be found by machines.
/// </summary>
public static class MarkdownReportWriter
{
    /// <summary>Renders the document.</summary>
    public static string Render(ReportDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var sb = new StringBuilder();
        sb.Append("# ").Append(doc.Title).Append("\n\n");
        sb.Append("Data up to **").Append(Time(doc.Now)).Append(" UTC**. ").Append(doc.Source).Append(".\n\n");
        Table(sb, doc.KeyFigures, "##");
        foreach (var section in doc.Sections)
        {
            sb.Append("## ").Append(section.Title).Append("\n\n").Append(section.Intro).Append("\n\n");
            foreach (var chart in section.Charts)
            {
                sb.Append("*Chart (see the HTML report): ").Append(chart.Title).Append(".* ").Append(chart.Caption).Append("\n\n");
            }

            foreach (var table in section.Tables.Where(t => !t.CsvOnly))
            {
                Table(sb, table, "###");
            }
        }

        if (doc.Notes.Count > 0)
        {
            sb.Append("## Data notes\n\n");
            foreach (var n in doc.Notes)
            {
                sb.Append("- ").Append(n).Append('\n');
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static void Table(StringBuilder sb, ReportTable table, string level)
    {
        sb.Append("<!-- table:").Append(table.Id).Append(" -->\n").Append(level).Append(' ').Append(table.Title).Append("\n\n");
        if (table.Rows.Count == 0)
        {
            sb.Append(table.Empty).Append("\n\n");
            return;
        }

        sb.Append("| ").AppendJoin(" | ", table.Columns.Select(Cell)).Append(" |\n|");
        foreach (var _ in table.Columns)
        {
            sb.Append("---|");
        }

        sb.Append('\n');
        foreach (var row in table.Rows)
        {
            sb.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
        }

        sb.Append('\n');
    }

    /// <summary>Escapes a cell: pipes are backslash-escaped and line breaks become spaces.</summary>
    public static string Cell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
    }
}
