using KvmMetrics.Exposition;

namespace KvmMetrics.Web.Exposition;

/// <summary>The exposition formats this project serves.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4.</summary>
    Text,

    /// <summary>OpenMetrics 1.0.0.</summary>
    OpenMetrics,
}

/// <summary>
/// Chooses the exposition format from an HTTP Accept header the way client_golang's
/// <c>expfmt.NegotiateIncludingOpenMetrics</c> does: media ranges ordered by q-value (highest
/// first; on equal q a concrete type before a wildcard, then header order), the first one that is
/// <c>text/plain</c> (version 0.0.4 or none) or <c>application/openmetrics-text</c> (version 1.0.0
/// or none) wins; anything else, a missing or unparsable header, falls back to the text format.
/// Unlike client_golang, ranges with <c>q=0</c> ("not acceptable", RFC 9110) are ignored.
/// </summary>
public static class ExpositionNegotiator
{
    /// <summary>Headers longer than this are not parsed (text format), so a hostile header costs nothing.</summary>
    public const int MaxAcceptLength = 4096;

    /// <summary>Picks the format for <paramref name="accept"/>; never throws.</summary>
    public static ExpositionFormat Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept) || accept.Length > MaxAcceptLength)
        {
            return ExpositionFormat.Text;
        }

        // Highest q wins; on equal q the earlier range wins (client_golang sorts by q and keeps
        // header order). Wildcards never select a format: text is the default anyway.
        var best = ExpositionFormat.Text;
        var bestQ = 0.0;
        foreach (var range in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParseRange(range, out var type, out var version, out var q) || q <= bestQ)
            {
                continue;
            }

            if (type.Equals("text/plain", StringComparison.OrdinalIgnoreCase) && (version is null || version == "0.0.4"))
            {
                best = ExpositionFormat.Text;
                bestQ = q;
            }
            else if (type.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) && (version is null || version == "1.0.0"))
            {
                best = ExpositionFormat.OpenMetrics;
                bestQ = q;
            }
        }

        return best;
    }

    /// <summary>The Content-Type header value of <paramref name="format"/>.</summary>
    public static string ContentType(ExpositionFormat format) =>
        format == ExpositionFormat.OpenMetrics ? OpenMetricsWriter.ContentType : TextFormatWriter.ContentType;

    /// <summary>Writes <paramref name="set"/> in <paramref name="format"/>.</summary>
    public static void Write(ExpositionFormat format, MetricSet set, Stream output)
    {
        if (format == ExpositionFormat.OpenMetrics)
        {
            OpenMetricsWriter.Write(set, output);
        }
        else
        {
            TextFormatWriter.Write(set, output);
        }
    }

    private static bool TryParseRange(string range, out string type, out string? version, out double q)
    {
        version = null;
        q = 1;
        var parts = range.Split(';', StringSplitOptions.TrimEntries);
        type = parts[0];
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == type.Length - 1 || type.AsSpan().ContainsAny(" \t\""))
        {
            return false;
        }

        for (var i = 1; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            var name = parts[i][..eq].Trim();
            var value = parts[i][(eq + 1)..].Trim().Trim('"');
            if (name.Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                if (!QValue.TryParse(value, out q))
                {
                    return false;
                }
            }
            else if (name.Equals("version", StringComparison.OrdinalIgnoreCase))
            {
                version = value;
            }
        }

        return true;
    }
}

/// <summary>RFC 9110 qvalues: <c>0</c> to <c>1</c> with at most three decimals.</summary>
internal static class QValue
{
    public static bool TryParse(string text, out double q)
    {
        q = 0;
        if (text.Length is 0 or > 5 || (text[0] != '0' && text[0] != '1'))
        {
            return false;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out q))
        {
            return false;
        }

        return q is >= 0 and <= 1;
    }
}
