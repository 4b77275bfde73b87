using System.Globalization;
using System.Text;

namespace KvmMetrics.Options;

/// <summary>
/// The one duration grammar of both hosts and of the web config file: Go's <c>time.ParseDuration</c>
/// (<c>500ms</c>, <c>1h30m</c>, <c>1.5m</c>, <c>0</c>) extended with Prometheus' <c>d</c>, <c>w</c> and <c>y</c>
/// (<c>7d</c>, <c>1w</c>, <c>1y</c> = 365 days). A bare number other than <c>0</c> has no unit and is rejected,
/// as in Go and Prometheus, so <c>--step 300</c> cannot silently mean seconds.
/// </summary>
public static class Duration
{
    /// <summary>What the grammar accepts, for messages and docs.</summary>
    public const string Syntax = "a duration such as 500ms, 30s, 5m, 1h30m, 7d or 1w (units ns, us, ms, s, m, h, d, w, y)";

    private static readonly (string Unit, long Ticks)[] FormatUnits =
    [
        // No weeks: "28d" and "366d" read better than "4w" and "52w2d".
        ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond),
    ];

    /// <summary>Parses a non-negative duration; false for anything else (negative values, bare numbers, unknown units).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span is "0")
        {
            return true;
        }

        double seconds = 0;
        while (span.Length > 0)
        {
            var i = 0;
            while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.'))
            {
                i++;
            }

            if (i == 0 || !double.TryParse(span[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[i..];
            var j = 0;
            while (j < span.Length && !char.IsAsciiDigit(span[j]) && span[j] != '.')
            {
                j++;
            }

            double? unit = span[..j] switch
            {
                "ns" => 1e-9,
                "us" or "µs" or "μs" => 1e-6,
                "ms" => 1e-3,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                "w" => 604_800,
                "y" => 31_536_000,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            seconds += number * unit.Value;
            span = span[j..];
        }

        if (!double.IsFinite(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Formats a duration in the grammar, largest units first, days at most (<c>1h30m</c>, <c>7d</c>, <c>250ms</c>, <c>0s</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Duration();
        }

        var ticks = value.Ticks;
        foreach (var (unit, size) in FormatUnits)
        {
            if (ticks >= size)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{ticks / size}{unit}");
                ticks %= size;
            }
        }

        if (ticks > 0)
        {
            // Below a millisecond: rare (only ns/us input); microseconds keep it exact enough to read.
            sb.Append((ticks / 10.0).ToString("0.#", CultureInfo.InvariantCulture)).Append("us");
        }

        return sb.ToString();
    }
}
