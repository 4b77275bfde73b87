using System.Text.Json;
using System.Text.RegularExpressions;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>One query of a dashboard: a panel target or a template variable.</summary>
public sealed record DashboardQuery(string Dashboard, string Where, string Expr, bool IsVariable);

/// <summary>The Grafana dashboards of dashboards/.</summary>
public static partial class DashboardFiles
{
    public static IReadOnlyList<string> All =>
        Directory.GetFiles(RepoPaths.InRepo("dashboards"), "*.json").Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var f in All)
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    public static JsonElement Load(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("dashboards", fileName)));
        return doc.RootElement.Clone();
    }

    /// <summary>Panels, flattened (rows' nested panels included).</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var p in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return p;
            if (p.TryGetProperty("panels", out var nested))
            {
                foreach (var n in nested.EnumerateArray())
                {
                    yield return n;
                }
            }
        }
    }

    public static IEnumerable<JsonElement> Variables(JsonElement dashboard) =>
        dashboard.GetProperty("templating").GetProperty("list").EnumerateArray();

    /// <summary>Every PromQL query of the dashboard; <c>label_values(sel, label)</c> variables become <c>count by (label) (sel)</c>.</summary>
    public static IEnumerable<DashboardQuery> Queries(string fileName)
    {
        var d = Load(fileName);
        foreach (var p in Panels(d).Where(p => p.GetProperty("type").GetString() != "row"))
        {
            foreach (var t in p.GetProperty("targets").EnumerateArray())
            {
                yield return new DashboardQuery(fileName, $"panel '{p.GetProperty("title").GetString()}' {t.GetProperty("refId").GetString()}",
                    t.GetProperty("expr").GetString()!, false);
            }
        }

        foreach (var v in Variables(d).Where(v => v.GetProperty("type").GetString() == "query"))
        {
            var q = v.GetProperty("query").GetProperty("query").GetString()!;
            var m = LabelValues().Match(q);
            Assert.True(m.Success, $"{fileName}: variable {v.GetProperty("name")} query is not label_values(selector, label): {q}");
            yield return new DashboardQuery(fileName, "variable " + v.GetProperty("name").GetString(),
                $"count by ({m.Groups["label"].Value}) ({m.Groups["sel"].Value})", true);
        }
    }

    [GeneratedRegex(@"^label_values\((?<sel>.+),\s*(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\)$")]
    private static partial Regex LabelValues();
}
