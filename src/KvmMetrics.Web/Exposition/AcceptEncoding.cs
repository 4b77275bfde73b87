namespace KvmMetrics.Web.Exposition;

/// <summary>Accept-Encoding handling (RFC 9110 section 12.5.3), only as far as gzip is concerned.</summary>
public static class AcceptEncoding
{
    /// <summary>
    /// True when <c>gzip</c> (or <c>x-gzip</c>) is listed with q &gt; 0, or not listed but <c>*</c>
    /// is with q &gt; 0. Unparsable entries are ignored; never throws.
    /// </summary>
    public static bool AllowsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrWhiteSpace(acceptEncoding) || acceptEncoding.Length > ExpositionNegotiator.MaxAcceptLength)
        {
            return false;
        }

        double? gzip = null;
        double? star = null;
        foreach (var entry in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries);
            var q = 1.0;
            var valid = true;
            for (var i = 1; i < parts.Length; i++)
            {
                var p = parts[i];
                if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase) && !QValue.TryParse(p[2..], out q))
                {
                    valid = false;
                }
            }

            if (!valid)
            {
                continue;
            }

            if (parts[0].Equals("gzip", StringComparison.OrdinalIgnoreCase) || parts[0].Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip ?? 0, q);
            }
            else if (parts[0] == "*")
            {
                star = q;
            }
        }

        return gzip is { } g ? g > 0 : star is > 0;
    }
}
