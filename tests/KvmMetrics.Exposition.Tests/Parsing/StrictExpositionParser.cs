using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KvmMetrics.Exposition.Tests.Parsing;

/// <summary>One parsed sample: its name, labels in written order and value.</summary>
internal sealed record ParsedSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>One parsed family.</summary>
internal sealed record ParsedFamily(string Name, string Type, string? Help, List<ParsedSample> Samples);

/// <summary>
/// A deliberately strict parser for the two exposition formats, independent of the writer: it
/// accepts only what the specs allow (and a little less: no comments, no blank lines, no
/// timestamps), checks escaping, UTF-8, family contiguity and order, TYPE-before-samples, sample
/// names per type, duplicate series and the OpenMetrics <c># EOF</c>. Errors name the line.
/// </summary>
internal static partial class StrictExpositionParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static List<ParsedFamily> ParseText(byte[] utf8) => Parse(utf8, openMetrics: false);

    public static List<ParsedFamily> ParseOpenMetrics(byte[] utf8) => Parse(utf8, openMetrics: true);

    private static List<ParsedFamily> Parse(byte[] utf8, bool openMetrics)
    {
        if (utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF)
        {
            throw new FormatException("output starts with a byte order mark");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("output is not valid UTF-8: " + e.Message, e);
        }

        var families = new List<ParsedFamily>();
        if (text.Length == 0)
        {
            if (openMetrics)
            {
                throw new FormatException("OpenMetrics output must end with '# EOF'");
            }

            return families;
        }

        if (text[^1] != '\n')
        {
            throw new FormatException("output does not end with a newline");
        }

        var lines = text[..^1].Split('\n');
        var closed = new HashSet<string>(StringComparer.Ordinal);
        ParsedFamily? current = null;
        var currentHasSamples = false;
        HashSet<string>? seriesKeys = null;
        var sawEof = false;

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var lineNo = n + 1;
            if (sawEof)
            {
                throw new FormatException($"line {lineNo}: content after '# EOF'");
            }

            if (line.Length == 0)
            {
                throw new FormatException($"line {lineNo}: empty line");
            }

            if (line[0] == '#')
            {
                if (openMetrics && line == "# EOF")
                {
                    sawEof = true;
                    continue;
                }

                var m = DescriptorLine().Match(line);
                if (!m.Success)
                {
                    throw new FormatException($"line {lineNo}: not a HELP or TYPE line: {line}");
                }

                var keyword = m.Groups[1].Value;
                var name = m.Groups[2].Value;
                var rest = m.Groups[3].Value;
                if (current is null || current.Name != name)
                {
                    StartFamily(name, lineNo);
                }
                else if (currentHasSamples)
                {
                    throw new FormatException($"line {lineNo}: {keyword} for '{name}' after its samples");
                }

                if (keyword == "HELP")
                {
                    if (current!.Help is not null)
                    {
                        throw new FormatException($"line {lineNo}: second HELP for '{name}'");
                    }

                    // Text 0.0.4 HELP knows only \\ and \n; OpenMetrics HELP also \" (and a raw '"' is not allowed).
                    current = current with { Help = Unescape(rest, allowQuoteEscape: openMetrics, forbidRawQuote: openMetrics, lineNo) };
                    families[^1] = current;
                }
                else
                {
                    if (current!.Type != "")
                    {
                        throw new FormatException($"line {lineNo}: second TYPE for '{name}'");
                    }

                    var allowed = openMetrics
                        ? new[] { "counter", "gauge", "info", "unknown", "histogram", "gaugehistogram", "stateset", "summary" }
                        : new[] { "counter", "gauge", "untyped", "histogram", "summary" };
                    if (!allowed.Contains(rest))
                    {
                        throw new FormatException($"line {lineNo}: unknown type '{rest}'");
                    }

                    current = current with { Type = rest };
                    families[^1] = current;
                }

                continue;
            }

            var sample = ParseSample(line, lineNo);
            if (current is null)
            {
                throw new FormatException($"line {lineNo}: sample without a preceding TYPE");
            }

            if (current.Type == "")
            {
                throw new FormatException($"line {lineNo}: sample before TYPE of '{current.Name}'");
            }

            var expectedName = !openMetrics ? current.Name : current.Type switch
            {
                "counter" => current.Name + "_total",
                "info" => current.Name + "_info",
                _ => current.Name,
            };
            if (sample.Name != expectedName)
            {
                throw new FormatException($"line {lineNo}: sample '{sample.Name}' inside family '{current.Name}' (expected '{expectedName}')");
            }

            if (openMetrics && current.Type == "counter" && (double.IsNaN(sample.Value) || sample.Value < 0))
            {
                throw new FormatException($"line {lineNo}: a counter total must be a non-negative number, not {sample.Value}");
            }

            if (openMetrics && current.Type == "info" && sample.Value != 1)
            {
                throw new FormatException($"line {lineNo}: info sample value must be 1");
            }

            var key = string.Join("\u0001", sample.Labels.Select(l => l.Key + "\u0002" + l.Value));
            if (!seriesKeys!.Add(key))
            {
                throw new FormatException($"line {lineNo}: duplicate series {line}");
            }

            currentHasSamples = true;
            current.Samples.Add(sample);
        }

        if (openMetrics && !sawEof)
        {
            throw new FormatException("OpenMetrics output must end with '# EOF'");
        }

        return families;

        void StartFamily(string name, int lineNo)
        {
            if (!closed.Add(name))
            {
                throw new FormatException($"line {lineNo}: family '{name}' is not contiguous (seen before)");
            }

            if (current is not null && string.CompareOrdinal(current.Name, name) > 0)
            {
                throw new FormatException($"line {lineNo}: family '{name}' is out of order after '{current.Name}'");
            }

            current = new ParsedFamily(name, "", null, []);
            families.Add(current);
            currentHasSamples = false;
            seriesKeys = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    private static ParsedSample ParseSample(string line, int lineNo)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], i == 0, allowColon: true))
        {
            i++;
        }

        if (i == 0)
        {
            throw new FormatException($"line {lineNo}: sample does not start with a metric name: {line}");
        }

        var name = line[..i];
        var labels = new List<KeyValuePair<string, string>>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var start = i;
                while (i < line.Length && IsNameChar(line[i], i == start, allowColon: false))
                {
                    i++;
                }

                if (i == start)
                {
                    throw new FormatException($"line {lineNo}: expected a label name at column {i + 1}");
                }

                var labelName = line[start..i];
                if (!names.Add(labelName))
                {
                    throw new FormatException($"line {lineNo}: label '{labelName}' repeated");
                }

                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
                {
                    throw new FormatException($"line {lineNo}: expected =\" after label '{labelName}'");
                }

                i += 2;
                var valueStart = i;
                while (i < line.Length && line[i] != '"')
                {
                    i += line[i] == '\\' ? 2 : 1;
                }

                if (i >= line.Length)
                {
                    throw new FormatException($"line {lineNo}: unterminated label value");
                }

                labels.Add(new(labelName, Unescape(line[valueStart..i], allowQuoteEscape: true, forbidRawQuote: true, lineNo)));
                i++;
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    continue;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                throw new FormatException($"line {lineNo}: expected ',' or '}}' at column {i + 1}");
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"line {lineNo}: expected one space before the value");
        }

        return new ParsedSample(name, labels, ParseValue(line[(i + 1)..], lineNo));
    }

    /// <summary>Parses a value as both formats allow it (no timestamp: this project never writes one).</summary>
    public static double ParseValue(string text, int lineNo) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when Number().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"line {lineNo}: '{text}' is not a valid sample value"),
    };

    private static string Unescape(string text, bool allowQuoteEscape, bool forbidRawQuote, int lineNo)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' && forbidRawQuote)
            {
                throw new FormatException($"line {lineNo}: unescaped '\"'");
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (i + 1 >= text.Length)
            {
                throw new FormatException($"line {lineNo}: trailing backslash");
            }

            var e = text[++i];
            sb.Append(e switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when allowQuoteEscape => '"',
                _ => throw new FormatException($"line {lineNo}: invalid escape sequence '\\{e}'"),
            });
        }

        return sb.ToString();
    }

    private static bool IsNameChar(char c, bool first, bool allowColon) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (!first && c is >= '0' and <= '9');

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$", RegexOptions.Singleline)]
    private static partial Regex DescriptorLine();

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial Regex Number();
}
