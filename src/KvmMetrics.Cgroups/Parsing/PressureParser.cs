namespace KvmMetrics.Cgroups.Parsing;

/// <summary>Cumulative stall times from a PSI file (<c>cpu.pressure</c>, <c>memory.pressure</c>, <c>io.pressure</c>).</summary>
/// <param name="SomeSeconds">Time during which at least one task was stalled (<c>some total=</c>, converted from µs).</param>
/// <param name="FullSeconds">Time during which all non-idle tasks were stalled (<c>full total=</c>); null when the kernel has no <c>full</c> line (cpu.pressure before 5.13).</param>
public sealed record PressureTotals(double SomeSeconds, double? FullSeconds);

/// <summary>
/// Parses PSI files: lines <c>some avg10=A avg60=B avg300=C total=MICROSECONDS</c> and the same for
/// <c>full</c> (Documentation/accounting/psi.rst).
/// </summary>
public static class PressureParser
{
    /// <summary>Parses the file content.</summary>
    public static ParseResult<PressureTotals> Parse(string content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return ParseResult<PressureTotals>.Malformed("empty file");
        }

        if (LineSplitter.Split(content, out var lines) is { } problem)
        {
            return ParseResult<PressureTotals>.Malformed(problem);
        }

        double? some = null;
        double? full = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var words = LineSplitter.Words(lines[i]);
            if (words.Length != 5 || words[0] is not ("some" or "full")
                || !Average(words[1], "avg10=") || !Average(words[2], "avg60=") || !Average(words[3], "avg300=")
                || !words[4].StartsWith("total=", StringComparison.Ordinal)
                || !CgroupNumber.TryParse(words[4].AsSpan("total=".Length), allowMax: false, out var total) || total < 0)
            {
                return ParseResult<PressureTotals>.Malformed(
                    $"line {i + 1} is not 'some|full avg10=.. avg60=.. avg300=.. total=..': {CgroupNumber.Quote(lines[i])}");
            }

            ref var slot = ref words[0] == "some" ? ref some : ref full;
            if (slot is not null)
            {
                return ParseResult<PressureTotals>.Malformed($"line {i + 1} repeats '{words[0]}'");
            }

            slot = total / 1e6;
        }

        return some is null
            ? ParseResult<PressureTotals>.Malformed("no 'some' line")
            : ParseResult<PressureTotals>.Ok(new PressureTotals(some.Value, full));
    }

    private static bool Average(string word, string prefix) =>
        word.StartsWith(prefix, StringComparison.Ordinal) && CgroupNumber.TryParseDecimal(word.AsSpan(prefix.Length), out _);
}
