using System.Globalization;
using KvmMetrics.Analysis.Capacity;

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

    /// <summary>Time until full with its 90% interval: "160 d (90%: 62 d to > 365 d)", "now", "> 365 d".</summary>
    public static string Full(TimeUntilFull full, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(full);
        return full.Days is <= 0 ? "now"
            : !full.Projected ? "not projected"
            : full.Earliest is null && full.Latest is null && full.Days is null ? Days(null, horizonDays)
            : Days(full.Days, horizonDays) + " (90%: " + Days(full.Earliest, horizonDays) + " to " + Days(full.Latest, horizonDays) + ")";
    }

    /// <summary>The one "full in" text of a resource, used by every surface: time until full of the binding view and which view binds.</summary>
    public static string FullIn(ResourceCapacity r, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Capacity <= 0 ? "n/a (no capacity given)" : Full(r.Full, horizonDays) + ", " + View(r.Binding) + " binds";
    }

    /// <summary>Headroom of the binding view with its unit and view: "32.6 cores (demand)", "-21.0 GiB (allocation)".</summary>
    public static string Headroom(ResourceCapacity r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var v = r.BoundView();
        return r.Capacity <= 0 ? "n/a" : Amount(r.Resource, v.Headroom, v.Basis) + " (" + View(v.Basis) + ")";
    }

    /// <summary>An amount of a resource in its display unit: cores or vCPUs for CPU, GiB otherwise.</summary>
    public static string Amount(string resource, double value, CapacityBasis basis) => resource == "cpu"
        ? N(value, 1) + (basis == CapacityBasis.Allocation ? " vCPUs" : " cores")
        : N(value / GiB, 1) + " GiB";

    /// <summary>Lower-case name of a view.</summary>
    public static string View(CapacityBasis basis) => basis == CapacityBasis.Allocation ? "allocation" : "demand";

    /// <summary>When to buy: "order now: 8 hosts", "order by 2027-01-05: 1 host", "no order within 365 d".</summary>
    public static string Order(PurchaseAdvice p, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(p);
        var hosts = p.Hosts == 1 ? "1 host" : p.Hosts.ToString(C) + " hosts";
        return p.OrderInDays is null ? "no order needed within " + horizonDays.ToString(C) + " d"
            : p.OrderInDays <= 0 ? "order now: " + hosts
            : "order by " + Date(p.OrderBy!.Value) + ": " + hosts;
    }

    /// <summary>The capacity part of every CLI summary line (report and capacity print the same words).</summary>
    public static string CapacityLine(CapacityReport c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var cpu = c.Cluster("cpu");
        var mem = c.Cluster("memory");
        var disk = c.Cluster("disk");
        var text = "headroom (N+" + c.ReserveHosts.ToString(C) + ") " + Headroom(cpu) + ", " + Headroom(mem) + "; CPU full in " + FullIn(cpu, c.HorizonDays)
            + "; memory full in " + FullIn(mem, c.HorizonDays);
        if (disk.Capacity > 0)
        {
            text += "; disk full in " + FullIn(disk, c.HorizonDays);
        }

        return text + "; " + c.StandardVms.Count.ToString(C) + " standard VMs still fit (" + c.StandardVms.LimitedBy + "); " + Order(c.Purchase, c.HorizonDays);
    }
}
