using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Reporting;

/// <summary>Hourly sums of VM series for the cluster and for hosts, as the report charts and compares them.</summary>
public static class ClusterSeries
{
    /// <summary>Hourly cluster total of <paramref name="metric"/> over <paramref name="days"/> days ending at <paramref name="now"/>.</summary>
    public static RegularSeries Total(ClusterSnapshot snapshot, ClusterHistory history, string metric, long now, int days)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        var start = now - (days * HourlyGrid.Day);
        return new RegularSeries(start, HourlyGrid.Hour, SumOf(snapshot.Vms.Select(v => HourlyGrid.Means(history.Get(v.Name, metric), start, days * 24)), days * 24));
    }

    /// <summary>Hourly CPU cores used by the VMs placed on <paramref name="host"/> now.</summary>
    public static RegularSeries HostCpu(ClusterSnapshot snapshot, ClusterHistory history, string host, long start, int count)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        return new(start, HourlyGrid.Hour, SumOf(snapshot.Vms.Where(v => v.Host == host).Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuCores), start, count)), count));
    }

    /// <summary>
    /// Sums per-VM hourly means. An hour where more than a quarter of the VMs that have data are missing is a gap
    /// (NaN), so a collection outage does not look like a demand drop; smaller gaps count the missing VMs as absent.
    /// </summary>
    public static double[] SumOf(IEnumerable<double[]> perVm, int count)
    {
        ArgumentNullException.ThrowIfNull(perVm);
        var all = perVm.Where(s => s.Any(double.IsFinite)).ToArray();
        var result = new double[count];
        if (all.Length == 0)
        {
            Array.Fill(result, double.NaN);
            return result;
        }

        for (var t = 0; t < result.Length; t++)
        {
            double sum = 0;
            var missing = 0;
            foreach (var s in all)
            {
                if (double.IsFinite(s[t]))
                {
                    sum += s[t];
                }
                else
                {
                    missing++;
                }
            }

            result[t] = missing * 4 > all.Length ? double.NaN : sum;
        }

        return result;
    }

    /// <summary>Mean of the finite values; NaN when there are none.</summary>
    public static double MeanOf(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }

    /// <summary>p95 of the finite values; NaN when there are none.</summary>
    public static double P95(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : Quantiles.Of(finite, 0.95);
    }
}
