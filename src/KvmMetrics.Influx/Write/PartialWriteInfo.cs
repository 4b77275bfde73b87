using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KvmMetrics.Influx.Write;

/// <summary>
/// What a 400 answer to a write says about the batch: which lines were bad, and whether the good
/// lines were written already.
/// </summary>
/// <param name="Message">The server's error message (from the JSON <c>error</c> or <c>message</c> field, or the raw body).</param>
/// <param name="BadLines">Zero-based indexes of the lines the server named (by content or line number).</param>
/// <param name="GoodLinesWritten">True when the server says the rest was written (<c>partial write</c>).</param>
/// <param name="DroppedCount">The <c>dropped=N</c> count of InfluxDB 1.x, when given.</param>
public sealed partial record PartialWriteInfo(string Message, IReadOnlySet<int> BadLines, bool GoodLinesWritten, int? DroppedCount)
{
    private const string UnableToParse = "unable to parse '";

    /// <summary>
    /// Reads a 400 body from InfluxDB 1.x (<c>{"error":"partial write: unable to parse '...': ... dropped=N"}</c>),
    /// 2.x (<c>{"code":"invalid","message":"..."}</c>, messages naming <c>line N</c>) or 3.x
    /// (<c>{"error":"partial write ...","data":[{"line_number":N,...}]}</c>), and matches the named
    /// lines against <paramref name="lines"/> (the lines of the request, without newlines).
    /// </summary>
    public static PartialWriteInfo Parse(string body, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(lines);
        var message = body.Trim();
        var lineNumbers = new List<int>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                {
                    message = e.GetString() ?? message;
                }
                else if (root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString() ?? message;
                }

                if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in data.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("line_number", out var n) && n.TryGetInt32(out var number))
                        {
                            lineNumbers.Add(number);
                        }
                    }
                }

                if (root.TryGetProperty("line", out var line) && line.TryGetInt32(out var single))
                {
                    lineNumbers.Add(single);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, plain text): the raw body is the message.
        }

        var bad = new SortedSet<int>();
        foreach (var n in lineNumbers.Concat(LineNumberPattern().Matches(message).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture))))
        {
            if (n >= 1 && n <= lines.Count)
            {
                bad.Add(n - 1);
            }
        }

        MatchQuotedLines(message, lines, bad);
        var partial = message.Contains("partial write", StringComparison.OrdinalIgnoreCase);
        var dropped = DroppedPattern().Match(message) is { Success: true } d ? int.Parse(d.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : (int?)null;
        return new PartialWriteInfo(message, bad, partial, dropped);
    }

    // 1.x names a bad line by its full content: "unable to parse '<line>': <reason>". The content may
    // itself contain quotes, so every closing quote after the opening one is tried against the batch.
    private static void MatchQuotedLines(string message, IReadOnlyList<string> lines, SortedSet<int> bad)
    {
        if (!message.Contains(UnableToParse, StringComparison.Ordinal))
        {
            return;
        }

        var byContent = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!byContent.TryGetValue(lines[i], out var list))
            {
                byContent[lines[i]] = list = [];
            }

            list.Add(i);
        }

        var at = 0;
        while ((at = message.IndexOf(UnableToParse, at, StringComparison.Ordinal)) >= 0)
        {
            var start = at + UnableToParse.Length;
            for (var end = message.IndexOf('\'', start); end >= 0; end = message.IndexOf('\'', end + 1))
            {
                if (byContent.TryGetValue(message[start..end], out var indexes))
                {
                    foreach (var i in indexes)
                    {
                        bad.Add(i);
                    }

                    break;
                }
            }

            at = start;
        }
    }

    [GeneratedRegex(@"\bline[ :]+(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LineNumberPattern();

    [GeneratedRegex(@"\bdropped=(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex DroppedPattern();
}
