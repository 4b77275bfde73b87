namespace KvmMetrics.Cgroups.Parsing;

/// <summary>One device line of a nested-keyed io file.</summary>
/// <param name="Major">Block device major number.</param>
/// <param name="Minor">Block device minor number.</param>
/// <param name="Values">The <c>key=value</c> pairs of the line (<c>max</c> is +Inf).</param>
public sealed record IoDeviceLine(int Major, int Minor, IReadOnlyDictionary<string, double> Values)
{
    /// <summary>The <c>MAJ:MIN</c> text as the kernel prints it.</summary>
    public string DeviceNumber => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Major}:{Minor}");
}

/// <summary>
/// Parses nested-keyed io files: <c>io.stat</c> (<c>MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=..</c>)
/// and <c>io.max</c> (<c>MAJ:MIN rbps=.. wbps=.. riops=.. wiops=..</c>, values may be <c>max</c>).
/// An empty file is valid: no I/O yet, or no limits set.
/// </summary>
public static class IoDeviceParser
{
    /// <summary>Parses <c>io.stat</c>.</summary>
    public static ParseResult<IReadOnlyList<IoDeviceLine>> ParseStat(string content) => Parse(content, allowMax: false);

    /// <summary>Parses <c>io.max</c>.</summary>
    public static ParseResult<IReadOnlyList<IoDeviceLine>> ParseMax(string content) => Parse(content, allowMax: true);

    private static ParseResult<IReadOnlyList<IoDeviceLine>> Parse(string content, bool allowMax)
    {
        content ??= string.Empty;
        if (LineSplitter.Split(content, out var lines) is { } problem)
        {
            return ParseResult<IReadOnlyList<IoDeviceLine>>.Malformed(problem);
        }

        var result = new List<IoDeviceLine>(lines.Length);
        var seen = new HashSet<(int, int)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var words = LineSplitter.Words(lines[i]);
            if (words.Length < 2 || !TryParseDeviceNumber(words[0], out var major, out var minor))
            {
                return Bad(i, lines[i]);
            }

            var values = new Dictionary<string, double>(words.Length - 1, StringComparer.Ordinal);
            for (var w = 1; w < words.Length; w++)
            {
                var eq = words[w].IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !FlatKeyedParser.IsKey(words[w][..eq])
                    || !TryParseValue(words[w].AsSpan(eq + 1), allowMax, out var value)
                    || !values.TryAdd(words[w][..eq], value))
                {
                    return Bad(i, lines[i]);
                }
            }

            if (!seen.Add((major, minor)))
            {
                return ParseResult<IReadOnlyList<IoDeviceLine>>.Malformed($"line {i + 1} repeats device {words[0]}");
            }

            result.Add(new IoDeviceLine(major, minor, values));
        }

        return ParseResult<IReadOnlyList<IoDeviceLine>>.Ok(result);
    }

    /// <summary>Parses <c>MAJ:MIN</c> (two non-negative decimal integers).</summary>
    public static bool TryParseDeviceNumber(string text, out int major, out int minor)
    {
        major = minor = 0;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && Digits(text.AsSpan(0, colon)) && Digits(text.AsSpan(colon + 1))
            && int.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out major)
            && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out minor);
    }

    // Integers (and max in io.max); iocost and iolatency add fractional fields such as cost.vrate=100.00.
    // Counters and limits are never negative.
    private static bool TryParseValue(ReadOnlySpan<char> token, bool allowMax, out double value) =>
        (CgroupNumber.TryParse(token, allowMax, out value) || CgroupNumber.TryParseDecimal(token, out value)) && value >= 0;

    private static bool Digits(ReadOnlySpan<char> s)
    {
        if (s.Length is 0 or > 9)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static ParseResult<IReadOnlyList<IoDeviceLine>> Bad(int index, string line) =>
        ParseResult<IReadOnlyList<IoDeviceLine>>.Malformed($"line {index + 1} is not 'MAJ:MIN key=value ...': {CgroupNumber.Quote(line)}");
}
