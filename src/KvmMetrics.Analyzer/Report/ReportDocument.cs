namespace KvmMetrics.Analyzer.Report;

/// <summary>
/// A table of the report: the same cells, already formatted with invariant culture, are written to
/// HTML, Markdown and CSV, so the three formats always show the same numbers.
/// </summary>
/// <param name="Id">Stable machine name (CSV <c>table</c> column, HTML <c>data-table</c>).</param>
/// <param name="Title">Heading shown to people.</param>
/// <param name="Columns">Column names.</param>
/// <param name="Rows">Formatted cells, one array per row, as many cells as columns.</param>
/// <param name="Empty">Sentence shown instead of an empty table.</param>
/// <param name="CsvOnly">Written to the CSV only (a long list whose top rows another table shows).</param>
public sealed record ReportTable(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string Empty = "None.", bool CsvOnly = false);

/// <summary>A horizontal reference line of a chart (capacity, usable capacity).</summary>
/// <param name="Label">Legend text.</param>
/// <param name="Value">Y value in the chart's unit.</param>
/// <param name="CssClass">Style: <c>limit</c> (red) or <c>capacity</c> (grey).</param>
public sealed record ChartLine(string Label, double Value, string CssClass);

/// <summary>
/// A time chart: observed values over the whole range, a forecast with 80/95% bands from
/// <see cref="ForecastStart"/>, and reference lines. Values are already in <see cref="Unit"/>.
/// </summary>
/// <param name="Id">Stable id (HTML element id).</param>
/// <param name="Title">Chart heading.</param>
/// <param name="Unit">Y axis unit, e.g. "cores".</param>
/// <param name="Start">Unix seconds of the first point.</param>
/// <param name="Step">Seconds per point.</param>
/// <param name="Actual">Observed values (NaN = gap), from <see cref="Start"/>.</param>
/// <param name="ForecastStart">Unix seconds where the forecast begins (the forecast origin).</param>
/// <param name="Mean">Forecast mean per step from <see cref="ForecastStart"/>.</param>
/// <param name="Lower80">Lower 80% bound.</param>
/// <param name="Upper80">Upper 80% bound.</param>
/// <param name="Lower95">Lower 95% bound.</param>
/// <param name="Upper95">Upper 95% bound.</param>
/// <param name="Lines">Reference lines.</param>
/// <param name="Caption">One sentence under the chart (model, time until full).</param>
/// <param name="ActualLabel">Legend text of the observed line.</param>
/// <param name="NowMarker">Unix seconds of the vertical marker, or null.</param>
/// <param name="MarkerLabel">Text next to the marker.</param>
public sealed record ReportChart(
    string Id, string Title, string Unit, long Start, long Step, double[] Actual, long ForecastStart,
    double[] Mean, double[] Lower80, double[] Upper80, double[] Lower95, double[] Upper95,
    IReadOnlyList<ChartLine> Lines, string Caption, string ActualLabel = "observed", long? NowMarker = null, string MarkerLabel = "now");

/// <summary>A section: heading, intro sentence, charts and tables.</summary>
/// <param name="Id">Anchor id.</param>
/// <param name="Title">Heading.</param>
/// <param name="Intro">What the section shows and how to read it.</param>
/// <param name="Charts">Charts, in order.</param>
/// <param name="Tables">Tables, in order.</param>
public sealed record ReportSection(string Id, string Title, string Intro, IReadOnlyList<ReportChart> Charts, IReadOnlyList<ReportTable> Tables);

/// <summary>The whole weekly capacity report, independent of the output format.</summary>
/// <param name="Title">Report title.</param>
/// <param name="Now">Analysis time (Unix seconds).</param>
/// <param name="Source">Where the data came from.</param>
/// <param name="KeyFigures">The headline numbers (rendered as cards in HTML).</param>
/// <param name="Sections">Sections in reading order.</param>
/// <param name="Notes">Data-quality notes and caveats.</param>
public sealed record ReportDocument(string Title, long Now, string Source, ReportTable KeyFigures, IReadOnlyList<ReportSection> Sections, IReadOnlyList<string> Notes)
{
    /// <summary>Every table: key figures first, then the sections' tables in order.</summary>
    public IEnumerable<ReportTable> AllTables => new[] { KeyFigures }.Concat(Sections.SelectMany(s => s.Tables));
}
