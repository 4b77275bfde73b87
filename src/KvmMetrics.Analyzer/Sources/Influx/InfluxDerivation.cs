using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>
/// Turns the exporter's series into the analyzer's per-VM metrics, as the Prometheus source's PromQL does:
/// counters become per-second rates per series (a decrease is a reset, <see cref="CounterRate"/>) and are then
/// summed per (host, domain) over devices and vCPUs; gauges take the max per (host, domain). A rate is only
/// taken across at most <c>maxGapSeconds</c>, like a <c>rate()</c> window, so a long gap stays a gap.
/// </summary>
public static class InfluxDerivation
{
    /// <summary>Per (host, domain) points of one analyzer metric.</summary>
    public static Dictionary<(string Host, string Domain), SortedList<long, double>> PerVm(bool isCounter, IEnumerable<TaggedSeries> series, long maxGapSeconds)
    {
        ArgumentNullException.ThrowIfNull(series);
        var result = new Dictionary<(string Host, string Domain), SortedList<long, double>>();
        foreach (var s in series)
        {
            if (s.Tag(ExporterInfluxSchema.HostTag) is not { } host || s.Tag(ExporterInfluxSchema.DomainTag) is not { } domain)
            {
                continue;
            }

            if (!result.TryGetValue((host, domain), out var points))
            {
                points = [];
                result.Add((host, domain), points);
            }

            if (!isCounter)
            {
                for (var i = 0; i < s.Times.Length; i++)
                {
                    points[s.Times[i]] = points.TryGetValue(s.Times[i], out var old) ? Math.Max(old, s.Values[i]) : s.Values[i];
                }

                continue;
            }

            foreach (var (from, to) in Runs(s.Times, maxGapSeconds))
            {
                var (ts, rates) = CounterRate.ToRate(s.Times.AsSpan(from, to - from), s.Values.AsSpan(from, to - from));
                for (var i = 0; i < ts.Length; i++)
                {
                    points[ts[i]] = points.GetValueOrDefault(ts[i]) + rates[i];
                }
            }
        }

        return result;
    }

    /// <summary>
    /// <paramref name="values"/> plus <paramref name="added"/> at the (host, domain) and time where both have a point;
    /// where <paramref name="added"/> has none the value stays as it is, and points only <paramref name="added"/> has are
    /// left out. This is PromQL's <c>a + (b or a * 0)</c> per step, the Prometheus source's CPU demand (usage plus vCPU
    /// wait, falling back to usage without delay counters).
    /// </summary>
    public static Dictionary<(string Host, string Domain), SortedList<long, double>> PlusWherePresent(
        IReadOnlyDictionary<(string Host, string Domain), SortedList<long, double>> values,
        IReadOnlyDictionary<(string Host, string Domain), SortedList<long, double>> added)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(added);
        var result = new Dictionary<(string Host, string Domain), SortedList<long, double>>(values.Count);
        foreach (var (vm, points) in values)
        {
            var extra = added.GetValueOrDefault(vm);
            var sum = new SortedList<long, double>(points.Count);
            foreach (var (t, v) in points)
            {
                sum.Add(t, extra is not null && extra.TryGetValue(t, out var e) ? v + e : v);
            }

            result.Add(vm, sum);
        }

        return result;
    }

    /// <summary>
    /// The highest last value per host (<paramref name="perDomain"/> false) or per <see cref="ClusterAssembler.Key"/>
    /// (true), over the series sharing it (a domain's uuid series, for example).
    /// </summary>
    public static Dictionary<string, double> LastBy(IEnumerable<TaggedSeries> series, bool perDomain)
    {
        ArgumentNullException.ThrowIfNull(series);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in series.Where(s => s.Values.Length > 0))
        {
            if (s.Tag(ExporterInfluxSchema.HostTag) is not { } host)
            {
                continue;
            }

            string key;
            if (perDomain)
            {
                if (s.Tag(ExporterInfluxSchema.DomainTag) is not { } domain)
                {
                    continue;
                }

                key = ClusterAssembler.Key(host, domain);
            }
            else
            {
                key = host;
            }

            result[key] = result.TryGetValue(key, out var old) ? Math.Max(old, s.Values[^1]) : s.Values[^1];
        }

        return result;
    }

    /// <summary>[from, to) index ranges of <paramref name="times"/> without a step longer than <paramref name="maxGap"/>.</summary>
    private static IEnumerable<(int From, int To)> Runs(long[] times, long maxGap)
    {
        var from = 0;
        for (var i = 1; i <= times.Length; i++)
        {
            if (i == times.Length || times[i] - times[i - 1] > maxGap)
            {
                yield return (from, i);
                from = i;
            }
        }
    }
}
