namespace KvmMetrics.Cgroups.Parsing;

/// <summary>
/// Parses the "flat keyed" cgroup v2 files (<c>cpu.stat</c>, <c>memory.stat</c>, <c>memory.events</c>):
/// one <c>KEY VALUE</c> pair per line (Documentation/admin-guide/cgroup-v2.rst, "Format").
/// </summary>
public static class FlatKeyedParser
{
    /// <summary>
    /// Parses <paramref name="content"/>. Any line that is not exactly a key and an integer, a repeated
    /// key, an empty file or a missing final newline rejects the whole file: a partly trusted file
    /// would mix right and wrong numbers in one scrape.
    /// </summary>
    public static ParseResult<IReadOnlyDictionary<string, double>> Parse(string content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return ParseResult<IReadOnlyDictionary<string, double>>.Malformed("empty file");
        }

        if (LineSplitter.Split(content, out var lines) is { } problem)
        {
            return ParseResult<IReadOnlyDictionary<string, double>>.Malformed(problem);
        }

        var values = new Dictionary<string, double>(lines.Length, StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var words = LineSplitter.Words(lines[i]);
            if (words.Length != 2 || !IsKey(words[0]) || !CgroupNumber.TryParse(words[1], allowMax: false, out var value))
            {
                return ParseResult<IReadOnlyDictionary<string, double>>.Malformed(
                    $"line {i + 1} is not 'KEY INTEGER': {CgroupNumber.Quote(lines[i])}");
            }

            if (!values.TryAdd(words[0], value))
            {
                return ParseResult<IReadOnlyDictionary<string, double>>.Malformed($"line {i + 1} repeats key '{words[0]}'");
            }
        }

        return ParseResult<IReadOnlyDictionary<string, double>>.Ok(values);
    }

    /// <summary>
    /// Kernel keys are identifiers, sometimes dotted (<c>usage_usec</c>, <c>core_sched.force_idle_usec</c>,
    /// iocost's <c>cost.vrate</c>).
    /// </summary>
    internal static bool IsKey(string word)
    {
        if (word.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
