using System.Globalization;

namespace KvmMetrics.Analyzer.Report;

/// <summary>Invariant-culture formatting shared by every report format, so all formats show the same text.</summary>
public static class Fmt
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Bytes per GiB.</summary>
    public const double GiB = 1073741824.0;

    /// <summary>A number with <paramref name="decimals"/> decimals, or "n/a" for NaN.</summary>
    public static string N(double value, int decimals = 1) =>
        double.IsFinite(value) ? Math.Round(value, decimals).ToString("F" + decimals.ToString(C), C).Replace("-0.0", "0.0", StringComparison.Ordinal) : "n/a";

    /// <summary>A fraction as a whole percentage ("83%").</summary>
    public static string Pct(double fraction) => double.IsFinite(fraction) ? (fraction * 100).ToString("F0", C) + "%" : "n/a";

    /// <summary>A signed percentage change ("+12.5%"), "n/a" when the base is zero.</summary>
    public static string Change(double before, double after)
    {
        if (!double.IsFinite(before) || !double.IsFinite(after) || Math.Abs(before) < 1e-12)
        {
            return "n/a";
        }

        var p = (after - before) / Math.Abs(before) * 100;
        return (p >= 0 ? "+" : "") + p.ToString("F1", C) + "%";
    }

    /// <summary>An integer.</summary>
    public static string I(long value) => value.ToString(C);

    /// <summary>Days until full, or the explicit "not within N days".</summary>
    public static string Days(double? days, int horizonDays) => days switch
    {
        null => "> " + horizonDays.ToString(C) + " d",
        <= 0 => "now",
        { } d => d.ToString("F0", C) + " d",
    };

    /// <summary>A UTC time as "yyyy-MM-dd HH:mm".</summary>
    public static string Time(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd HH:mm", C);

    /// <summary>A UTC date as "yyyy-MM-dd".</summary>
    public static string Date(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd", C);

    /// <summary>Invariant interpolation.</summary>
    public static string F(FormattableString text) => FormattableString.Invariant(text);
}
