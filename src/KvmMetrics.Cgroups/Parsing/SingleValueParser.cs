namespace KvmMetrics.Cgroups.Parsing;

/// <summary>
/// Parses single-value files (<c>memory.current</c>, <c>memory.max</c>, <c>pids.max</c>, <c>cpu.weight</c>, ...):
/// one integer or <c>max</c> and a newline. <c>max</c> becomes +Inf.
/// </summary>
public static class SingleValueParser
{
    /// <summary>Parses a value that may be <c>max</c> (limits).</summary>
    public static ParseResult<double> ParseLimit(string content) => Parse(content, allowMax: true);

    /// <summary>Parses a value that must be a number (usage, weights).</summary>
    public static ParseResult<double> ParseNumber(string content) => Parse(content, allowMax: false);

    private static ParseResult<double> Parse(string content, bool allowMax)
    {
        if (string.IsNullOrEmpty(content))
        {
            return ParseResult<double>.Malformed("empty file");
        }

        if (LineSplitter.Split(content, out var lines) is { } problem)
        {
            return ParseResult<double>.Malformed(problem);
        }

        if (lines.Length != 1)
        {
            return ParseResult<double>.Malformed($"expected one line, found {lines.Length}");
        }

        return CgroupNumber.TryParse(lines[0], allowMax, out var value)
            ? ParseResult<double>.Ok(value)
            : ParseResult<double>.Malformed($"not {(allowMax ? "an integer or 'max'" : "an integer")}: {CgroupNumber.Quote(lines[0])}");
    }
}
