using System.Net;
using System.Text;
using KvmMetrics.Analyzer.Report;

namespace KvmMetrics.Analyzer.Service;

/// <summary>The small HTML overview at <c>/</c>: freshness, hotspots, plan and capacity, links to the API. No scripts.</summary>
public static class OverviewPage
{
    /// <summary>Renders the page for <paramref name="status"/> at wall time <paramref name="now"/>.</summary>
    public static string Render(AnalyzerStatus status, string version, long now, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(status);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>KvmMetrics analyzer</title><style>")
            .Append("body{font-family:sans-serif;margin:24px;color:#1f2933}table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #d9e2ec;text-align:left}.bad{color:#b91c1c}.ok{color:#2f7d32}")
            .Append("</style></head><body><h1>KvmMetrics analyzer</h1>");
        var stale = !status.SourceUp || status.NewestSample == 0 || now - status.NewestSample > staleAfter.TotalSeconds;
        sb.Append("<p>Version ").Append(E(version)).Append(". Data source ").Append(status.SourceUp ? "<span class=\"ok\">up</span>" : "<span class=\"bad\">down</span>")
            .Append(", newest sample ").Append(status.NewestSample > 0 ? E(Fmt.Time(status.NewestSample)) + " UTC" : "none")
            .Append(stale ? " <strong class=\"bad\">(stale: showing the last good results)</strong>" : "").Append(".</p>");
        if (status.InsufficientHosts.Count > 0)
        {
            sb.Append("<p class=\"bad\">Left out of balancing for lack of data: ").Append(E(string.Join(", ", status.InsufficientHosts))).Append("</p>");
        }

        sb.Append("<h2>Active hotspots</h2>");
        var active = status.Hotspots?.Report.Findings.Where(f => f.End is null).ToArray() ?? [];
        if (active.Length == 0)
        {
            sb.Append("<p>None.</p>");
        }
        else
        {
            sb.Append("<table><tr><th>Host</th><th>Rule</th><th>Severity</th><th>Since</th><th>Finding</th></tr>");
            foreach (var f in active)
            {
                sb.Append("<tr><td>").Append(E(f.Host)).Append("</td><td>").Append(E(f.Rule)).Append("</td><td>").Append(E(f.Severity)).Append("</td><td>")
                    .Append(E(Fmt.Time(f.Start))).Append("</td><td>").Append(E(f.Message)).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        sb.Append("<h2>Recommended migrations</h2>");
        var moves = status.Plan?.Plan.Moves ?? [];
        if (moves.Count == 0)
        {
            sb.Append("<p>None.</p>");
        }
        else
        {
            sb.Append("<table><tr><th>#</th><th>VM</th><th>From</th><th>To</th><th>Why</th></tr>");
            foreach (var m in moves)
            {
                sb.Append("<tr><td>").Append(m.Order).Append("</td><td>").Append(E(m.Vm)).Append("</td><td>").Append(E(m.From)).Append("</td><td>").Append(E(m.To))
                    .Append("</td><td>").Append(E(m.Reason)).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        if (status.Plan?.Capacity is { } cap)
        {
            sb.Append("<h2>Capacity</h2><table><tr><th>Resource</th><th>Usable</th><th>Demand p95</th><th>Full in</th></tr>");
            foreach (var r in cap.Resources.Where(r => r.Scope == "cluster" && !double.IsNaN(r.Demand)))
            {
                var scale = r.Resource == "cpu" ? 1 : Fmt.GiB;
                sb.Append("<tr><td>").Append(E(r.Resource)).Append("</td><td>").Append(Fmt.N(r.UsableCapacity / scale)).Append("</td><td>").Append(Fmt.N(r.Demand / scale))
                    .Append("</td><td>").Append(E(Fmt.FullIn(r, cap.HorizonDays))).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        sb.Append("<h2>API</h2><ul>");
        foreach (var link in new[] { "/api/v1/hotspots", "/api/v1/plan", "/api/v1/capacity", "/api/v1/status", "/metrics", "/healthz" })
        {
            sb.Append("<li><a href=\"").Append(link).Append("\">").Append(link).Append("</a></li>");
        }

        sb.Append("<li><code>/api/v1/forecasts/{host|cluster}</code></li></ul></body></html>\n");
        return sb.ToString();
    }
}
