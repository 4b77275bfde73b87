using System.Globalization;
using System.Net;
using System.Text;

namespace KvmMetrics.Analyzer.Report;

/// <summary>
/// Draws a <see cref="ReportChart"/> as inline SVG: 95% and 80% bands, observed line, forecast mean,
/// reference lines, a "now" marker, axes with dated Monday ticks (with the year) and titles, and a legend. No scripts, no external resources.
/// </summary>
public static class SvgChart
{
    private const double Width = 880, Height = 300, Left = 58, Right = 16, Top = 34, Bottom = 40;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Returns the SVG element for the chart.</summary>
    public static string Render(ReportChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var forecastEnd = chart.ForecastStart + (chart.Mean.Length * chart.Step);
        var t0 = Math.Min(chart.Start, chart.ForecastStart);
        var t1 = Math.Max(chart.Start + (chart.Actual.Length * chart.Step), forecastEnd);
        var values = chart.Actual.Concat(chart.Upper95).Concat(chart.Lower95).Concat(chart.Mean).Concat(chart.Lines.Select(l => l.Value)).Where(double.IsFinite).ToArray();
        var yMax = NiceCeiling(values.Length == 0 ? 1 : Math.Max(values.Max() * 1.05, 1e-9));
        var yMin = Math.Min(0, values.Length == 0 ? 0 : values.Min());
        double X(long t) => Left + ((t - t0) / (double)Math.Max(1, t1 - t0) * (Width - Left - Right));
        double Y(double v) => Top + ((1 - ((v - yMin) / (yMax - yMin))) * (Height - Top - Bottom));

        var sb = new StringBuilder();
        sb.Append(C, $"<svg class=\"chart\" id=\"{Esc(chart.Id)}\" role=\"img\" aria-label=\"{Esc(chart.Title)}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        sb.Append(C, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" class=\"plot\"/>\n");

        // Horizontal grid and y labels.
        for (var i = 0; i <= 4; i++)
        {
            var v = yMin + ((yMax - yMin) * i / 4);
            var y = Y(v);
            sb.Append(C, $"<line x1=\"{Left:F1}\" x2=\"{Width - Right:F1}\" y1=\"{y:F1}\" y2=\"{y:F1}\" class=\"grid\"/>");
            sb.Append(C, $"<text x=\"{Left - 6:F1}\" y=\"{y + 4:F1}\" class=\"ylab\">{Esc(Label(v))}</text>\n");
        }

        sb.Append(C, $"<text x=\"{Left - 6:F1}\" y=\"{Top - 8:F1}\" class=\"ylab\">{Esc(chart.Unit)}</text>\n");

        // Day ticks every 7 days at midnight UTC, labelled with the date.
        var firstDay = ((t0 + 86_399) / 86_400) * 86_400;
        for (var t = firstDay; t <= t1; t += 86_400)
        {
            var weekly = DateTimeOffset.FromUnixTimeSeconds(t).DayOfWeek == DayOfWeek.Monday;
            var x = X(t);
            sb.Append(C, $"<line x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{Height - Bottom:F1}\" y2=\"{Height - Bottom + (weekly ? 6 : 3):F1}\" class=\"axis\"/>");
            if (weekly)
            {
                sb.Append(C, $"<line x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{Top:F1}\" y2=\"{Height - Bottom:F1}\" class=\"grid\"/>");
                sb.Append(C, $"<text x=\"{x:F1}\" y=\"{Height - Bottom + 18:F1}\" class=\"xlab\">{DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd", C)}</text>");
            }
        }

        // Axis titles: the unit on the y axis (above), the time zone on the x axis (right), so no axis is unlabelled.
        sb.Append(C, $"<text x=\"{Width - Right:F1}\" y=\"{Height - 4:F1}\" class=\"xtitle\">date (UTC, ticks on Mondays)</text>");
        sb.Append('\n');
        Band(sb, chart, chart.Lower95, chart.Upper95, "band95", X, Y);
        Band(sb, chart, chart.Lower80, chart.Upper80, "band80", X, Y);
        foreach (var line in chart.Lines)
        {
            var y = Y(line.Value);
            sb.Append(C, $"<line x1=\"{Left:F1}\" x2=\"{Width - Right:F1}\" y1=\"{y:F1}\" y2=\"{y:F1}\" class=\"ref {Esc(line.CssClass)}\"/>\n");
        }

        Path(sb, chart.Actual.Select((v, i) => (chart.Start + (i * chart.Step) + (chart.Step / 2), v)), "actual", X, Y);
        Path(sb, chart.Mean.Select((v, i) => (chart.ForecastStart + (i * chart.Step) + (chart.Step / 2), v)), "mean", X, Y);
        if (chart.NowMarker is { } now && now >= t0 && now <= t1)
        {
            var x = X(now);
            sb.Append(C, $"<line x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{Top:F1}\" y2=\"{Height - Bottom:F1}\" class=\"now\"/><text x=\"{x + 4:F1}\" y=\"{Top + 12:F1}\" class=\"nowlab\">{Esc(chart.MarkerLabel)}</text>\n");
        }

        Legend(sb, chart);
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void Legend(StringBuilder sb, ReportChart chart)
    {
        var items = new List<(string Class, string Text, bool Box)> { ("actual", chart.ActualLabel, false), ("mean", "forecast", false), ("band80", "80% interval", true), ("band95", "95% interval", true) };
        items.AddRange(chart.Lines.Select(l => ("ref " + l.CssClass, l.Label, false)));
        var x = Left;
        sb.Append("<g class=\"legend\">");
        foreach (var (cls, text, box) in items)
        {
            if (box)
            {
                sb.Append(C, $"<rect x=\"{x:F1}\" y=\"8\" width=\"16\" height=\"10\" class=\"{cls}\"/>");
            }
            else
            {
                sb.Append(C, $"<line x1=\"{x:F1}\" x2=\"{x + 16:F1}\" y1=\"13\" y2=\"13\" class=\"{cls}\"/>");
            }

            sb.Append(C, $"<text x=\"{x + 21:F1}\" y=\"17\" class=\"legtext\">{Esc(text)}</text>");
            x += 24 + (text.Length * 6.3);
        }

        sb.Append("</g>\n");
    }

    private static void Band(StringBuilder sb, ReportChart chart, double[] lower, double[] upper, string cls, Func<long, double> x, Func<double, double> y)
    {
        if (lower.Length == 0)
        {
            return;
        }

        var pts = new StringBuilder();
        for (var i = 0; i < upper.Length; i++)
        {
            pts.Append(C, $"{(i == 0 ? 'M' : 'L')}{x(chart.ForecastStart + (i * chart.Step) + (chart.Step / 2)):F1},{y(upper[i]):F1}");
        }

        for (var i = lower.Length - 1; i >= 0; i--)
        {
            pts.Append(C, $"L{x(chart.ForecastStart + (i * chart.Step) + (chart.Step / 2)):F1},{y(Math.Max(lower[i], 0)):F1}");
        }

        sb.Append(C, $"<path d=\"{pts}Z\" class=\"{cls}\"/>\n");
    }

    private static void Path(StringBuilder sb, IEnumerable<(long T, double V)> points, string cls, Func<long, double> x, Func<double, double> y)
    {
        var d = new StringBuilder();
        var pen = false;
        foreach (var (t, v) in points)
        {
            if (!double.IsFinite(v))
            {
                pen = false;
                continue;
            }

            d.Append(C, $"{(pen ? 'L' : 'M')}{x(t):F1},{y(v):F1}");
            pen = true;
        }

        if (d.Length > 0)
        {
            sb.Append(C, $"<path d=\"{d}\" class=\"{cls}\"/>\n");
        }
    }

    private static double NiceCeiling(double v)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var m in new[] { 1.0, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 })
        {
            if (m * magnitude >= v)
            {
                return m * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Label(double v) => Math.Abs(v) >= 100 ? v.ToString("F0", C) : Math.Abs(v) >= 10 ? v.ToString("0.#", C) : v.ToString("0.##", C);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
