namespace KvmMetrics.Cgroups.Parsing;

/// <summary>The bandwidth limit from <c>cpu.max</c>, in seconds.</summary>
/// <param name="QuotaSeconds">CPU time allowed per period; +Inf when the file says <c>max</c> (no limit).</param>
/// <param name="PeriodSeconds">The period length.</param>
public sealed record CpuMax(double QuotaSeconds, double PeriodSeconds);

/// <summary>Parses <c>cpu.max</c>: <c>$MAX $PERIOD</c> in microseconds, <c>$MAX</c> may be <c>max</c>.</summary>
public static class CpuMaxParser
{
    /// <summary>Parses the file content.</summary>
    public static ParseResult<CpuMax> Parse(string content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return ParseResult<CpuMax>.Malformed("empty file");
        }

        if (LineSplitter.Split(content, out var lines) is { } problem)
        {
            return ParseResult<CpuMax>.Malformed(problem);
        }

        if (lines.Length != 1)
        {
            return ParseResult<CpuMax>.Malformed($"expected one line, found {lines.Length}");
        }

        var words = LineSplitter.Words(lines[0]);
        if (words.Length != 2
            || !CgroupNumber.TryParse(words[0], allowMax: true, out var quota)
            || !CgroupNumber.TryParse(words[1], allowMax: false, out var period)
            || quota < 0 || period <= 0)
        {
            return ParseResult<CpuMax>.Malformed($"expected '$MAX $PERIOD' (microseconds): {CgroupNumber.Quote(lines[0])}");
        }

        return ParseResult<CpuMax>.Ok(new CpuMax(quota / 1e6, period / 1e6));
    }
}
