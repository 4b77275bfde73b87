using System.Globalization;
using System.IO.Compression;

namespace KvmMetrics.Analyzer.Data;

/// <summary>One powered-on 5-minute sample of a Bitbrains GWA-T-12 VM, as written in the trace (MHz, KB, KB/s).</summary>
/// <remarks>The disk and network columns are NaN when a row has fewer than 11 columns or they do not parse.</remarks>
public readonly record struct BitbrainsRow(
    long Timestamp, double Cores, double ProvisionedMhz, double UsedMhz, double MemoryProvisionedKb, double MemoryUsedKb,
    double DiskReadKbps, double DiskWriteKbps, double NetworkReceivedKbps, double NetworkTransmittedKbps)
{
    /// <summary>Cores in use: usage MHz over the MHz of one provisioned core.</summary>
    public double CoresInUse => Math.Max(0, UsedMhz / (ProvisionedMhz / Cores));
}

/// <summary>
/// Reads the Bitbrains "Rnd" files (<c>2013-M-ID.csv.gz</c>: semicolon+tab separated, one header line, the
/// "[ms]" timestamp column holds Unix seconds). Rows that do not parse, and powered-off rows (fewer than 1 core or
/// no provisioned MHz, where cores in use would be 0/0), are skipped.
/// </summary>
public static class BitbrainsRows
{
    /// <summary>The rows of VM <paramref name="id"/> in the given months of 2013, month by month in file order.</summary>
    public static IEnumerable<BitbrainsRow> Read(string directory, int id, IEnumerable<int> months)
    {
        foreach (var month in months)
        {
            var path = Path.Combine(directory, $"2013-{month}-{id}.csv.gz");
            if (!File.Exists(path))
            {
                continue;
            }

            using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(stream);
            reader.ReadLine();
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                var p = line.Split(';');
                if (p.Length < 7 || !TryLong(p[0], out var ts) || !TryDouble(p[1], out var cores) || !TryDouble(p[2], out var prov)
                    || !TryDouble(p[3], out var used) || !TryDouble(p[5], out var memProv) || !TryDouble(p[6], out var memUsed))
                {
                    continue;
                }

                if (cores < 1 || prov <= 0)
                {
                    continue;
                }

                yield return new BitbrainsRow(ts, cores, prov, used, memProv, memUsed,
                    Optional(p, 7), Optional(p, 8), Optional(p, 9), Optional(p, 10));
            }
        }
    }

    private static double Optional(string[] p, int index) =>
        p.Length >= 11 && TryDouble(p[index], out var v) ? v : double.NaN;

    private static bool TryLong(string s, out long v) => long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out v);

    private static bool TryDouble(string s, out double v) => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v);
}
