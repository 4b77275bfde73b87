using System.Globalization;

namespace KvmMetrics.Options;

/// <summary>Factories for the common option types, each with its validation and documented range.</summary>
public static class Opt
{
    /// <summary>A duration in [<paramref name="min"/>, <paramref name="max"/>]; with <paramref name="zeroMeansOff"/>, <c>0s</c> is also accepted.</summary>
    public static Option<TimeSpan> Duration(string name, TimeSpan defaultValue, TimeSpan min, TimeSpan max, string description, bool zeroMeansOff = false) =>
        new(name, defaultValue, DurationAccepted(min, max, zeroMeansOff), description,
            (string t, out TimeSpan v, out string? p) => TryDuration(t, min, max, zeroMeansOff, out v, out p),
            Options.Duration.Format);

    /// <summary>An optional duration in [<paramref name="min"/>, <paramref name="max"/>]; null when not set.</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, TimeSpan min, TimeSpan max, string description, string defaultText) =>
        new(name, null, DurationAccepted(min, max, false), description,
            (string t, out TimeSpan? v, out string? p) =>
            {
                var ok = TryDuration(t, min, max, false, out var d, out p);
                v = ok ? d : null;
                return ok;
            },
            v => v is { } d ? Options.Duration.Format(d) : "(none)", defaultText);

    private static string DurationAccepted(TimeSpan min, TimeSpan max, bool zeroMeansOff)
    {
        var range = $"{Options.Duration.Format(min)}..{Options.Duration.Format(max)}";
        return zeroMeansOff ? $"0s (off) or a duration {range}" : $"a duration {range} (such as 30s, 5m, 1h30m, 7d)";
    }

    private static bool TryDuration(string t, TimeSpan min, TimeSpan max, bool zeroMeansOff, out TimeSpan v, out string? p)
    {
        p = null;
        if (!Options.Duration.TryParse(t, out v))
        {
            p = "is not a duration";
            return false;
        }

        if ((zeroMeansOff && v == TimeSpan.Zero) || (v >= min && v <= max))
        {
            return true;
        }

        p = "is out of range";
        return false;
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Int(string name, int defaultValue, int min, int max, string description) =>
        new(name, defaultValue, $"an integer {min}..{max}", description,
            (string t, out int v, out string? p) =>
            {
                var ok = int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);
                p = !ok ? "is not an integer" : v < min || v > max ? "is out of range" : null;
                return ok && p is null;
            },
            v => v.ToString(CultureInfo.InvariantCulture));

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<double> Number(string name, double defaultValue, double min, double max, string description) =>
        new(name, defaultValue, string.Create(CultureInfo.InvariantCulture, $"a number {min}..{max}"), description,
            (string t, out double v, out string? p) =>
            {
                var ok = double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);
                p = !ok ? "is not a number" : v < min || v > max ? "is out of range" : null;
                return ok && p is null;
            },
            v => v.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Free text, optionally checked by <paramref name="check"/> (returns the problem or null).</summary>
    public static Option<string?> Text(string name, string? defaultValue, string accepted, string description, Func<string, string?>? check = null) =>
        new(name, defaultValue, accepted, description,
            (string t, out string? v, out string? p) =>
            {
                v = t;
                p = t.Length == 0 ? "is empty" : t.Contains('\0', StringComparison.Ordinal) ? "contains a NUL character" : check?.Invoke(t);
                return p is null;
            },
            v => v ?? "(none)");

    /// <summary>One of <paramref name="choices"/> (compared case-insensitively, returned as listed).</summary>
    public static Option<string> Choice(string name, string defaultValue, IReadOnlyList<string> choices, string description, string? defaultText = null) =>
        new(name, defaultValue, string.Join(", ", choices), description,
            (string t, out string v, out string? p) =>
            {
                v = choices.FirstOrDefault(c => string.Equals(c, t, StringComparison.OrdinalIgnoreCase)) ?? string.Empty;
                p = v.Length == 0 ? "is not one of the choices" : null;
                return p is null;
            },
            v => v, defaultText);

    /// <summary>A boolean that a bare <c>--name</c> turns on; <c>true/false</c> (also 1/0, yes/no, on/off) set it explicitly.</summary>
    public static Option<bool> Switch(string name, string description, bool defaultValue = false) =>
        new(name, defaultValue, "true or false (a bare flag means true)", description,
            (string t, out bool v, out string? p) =>
            {
                var ok = TryBool(t, out v);
                p = ok ? null : "is not a boolean";
                return ok;
            },
            v => v ? "true" : "false")
        { IsSwitch = true };

    /// <summary>An absolute http(s) URL without credentials; null when not set.</summary>
    public static Option<Uri?> HttpUrl(string name, string example, string description) =>
        new(name, null, $"an absolute http(s) URL without credentials, such as {example}", description,
            (string t, out Uri? v, out string? p) =>
            {
                var ok = Uri.TryCreate(t, UriKind.Absolute, out v) && (v.Scheme == Uri.UriSchemeHttp || v.Scheme == Uri.UriSchemeHttps) && v.UserInfo.Length == 0;
                p = ok ? null : "is not such a URL";
                return ok;
            },
            v => v?.ToString() ?? "(none)");

    /// <summary>An existing, readable file; the value is its absolute path (relative paths resolve against the working directory).</summary>
    public static Option<string?> InputFile(string name, string what, string description, string? defaultValue = null) =>
        new(name, defaultValue, $"a readable file ({what})", description,
            (string t, out string? v, out string? p) =>
            {
                v = null;
                p = PathChecks.Readable(t, out var full);
                v = full;
                return p is null;
            },
            v => v ?? "(none)");

    /// <summary>A file to write: not a directory, in a directory that exists or can be created and is writable.</summary>
    public static Option<string?> OutputFile(string name, string what, string description, string? defaultText = null) =>
        new(name, null, $"a writable file path ({what})", description,
            (string t, out string? v, out string? p) =>
            {
                p = PathChecks.WritableFile(t, out var full);
                v = full;
                return p is null;
            },
            v => v ?? "(none)", defaultText);

    /// <summary>A directory to write into: a directory or nothing yet (then created), under a writable parent.</summary>
    public static Option<string?> OutputDirectory(string name, string? defaultValue, string what, string description) =>
        new(name, defaultValue, $"a writable directory ({what})", description,
            (string t, out string? v, out string? p) =>
            {
                p = PathChecks.WritableDirectory(t, out var full);
                v = full;
                return p is null;
            },
            v => v ?? "(none)");

    /// <summary>Parses true/false, 1/0, yes/no, on/off.</summary>
    public static bool TryBool(string text, out bool value)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                value = true;
                return true;
            case "false" or "0" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
