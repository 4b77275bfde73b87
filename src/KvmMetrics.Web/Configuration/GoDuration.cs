using System.Globalization;

namespace KvmMetrics.Web.Configuration;

/// <summary>Go <c>time.ParseDuration</c> syntax (<c>1h30m</c>, <c>500ms</c>, <c>0</c>).</summary>
public static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a Go duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        double totalSeconds = 0;
        var any = false;
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
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            totalSeconds += number * unit.Value;
            span = span[j..];
            any = true;
        }

        if (!any || totalSeconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(negative ? -totalSeconds : totalSeconds);
        return true;
    }
}
