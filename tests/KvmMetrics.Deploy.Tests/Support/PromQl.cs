using System.Text.RegularExpressions;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>
/// Extracts the metric names a PromQL expression reads (not a full parser: it removes strings, label matchers,
/// ranges, grouping clauses and function calls, and keeps the remaining identifiers). Real Prometheus checks the syntax.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
        "inf", "nan", "Inf", "NaN",
    };

    /// <summary>The metric names used in <paramref name="expr"/>.</summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var s = StringLiteral().Replace(expr, " ");
        s = LabelMatchers().Replace(s, " ");
        s = Ranges().Replace(s, " ");
        s = Grouping().Replace(s, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(s))
        {
            var rest = s[(m.Index + m.Length)..].TrimStart();
            if (rest.StartsWith('(') || Keywords.Contains(m.Value))
            {
                continue; // a function or aggregation, or an operator keyword
            }

            names.Add(m.Value);
        }

        return names;
    }

    /// <summary>Replaces Grafana's template variables with values Prometheus accepts (ranges 1m, selections match all).</summary>
    public static string SubstituteGrafanaVariables(string expr) => expr
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "5m", StringComparison.Ordinal)
        .Replace("\"$host\"", "\".*\"", StringComparison.Ordinal)
        .Replace("\"$domain\"", "\".*\"", StringComparison.Ordinal)
        .Replace("\"$analyzer\"", "\".*\"", StringComparison.Ordinal);

    /// <summary>True when every rate/irate/increase/…_over_time range in <paramref name="expr"/> is <c>[$__rate_interval]</c>.</summary>
    public static bool AllRatesUseRateInterval(string expr) =>
        RateCall().Matches(expr).All(m => m.Groups["range"].Value == "$__rate_interval");

    /// <summary>Number of rate-like calls in <paramref name="expr"/>.</summary>
    public static int RateCalls(string expr) => RateCall().Count(expr);

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![A-Za-z0-9_:$.])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\b(?:rate|irate|increase|delta|idelta|deriv)\s*\([^\[]*\[(?<range>[^\]]*)\]")]
    private static partial Regex RateCall();
}
