using System.Globalization;

namespace KvmMetrics.Cgroups.Parsing;

/// <summary>Number tokens as the kernel prints them in cgroup v2 files.</summary>
public static class CgroupNumber
{
    /// <summary>
    /// Parses a decimal integer (optionally negative: a few kernel counters are signed) or <c>max</c>
    /// (returned as +Inf). Rejects anything else, including whitespace, signs on <c>max</c> and fractions.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> token, bool allowMax, out double value)
    {
        if (allowMax && token.SequenceEqual("max"))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (token.Length is 0 or > 21)
        {
            value = 0;
            return false;
        }

        var negative = token[0] == '-';
        var digits = negative ? token[1..] : token;
        if (digits.Length == 0)
        {
            value = 0;
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                value = 0;
                return false;
            }
        }

        if (!ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude))
        {
            value = 0;
            return false;
        }

        value = negative ? -(double)magnitude : magnitude;
        return true;
    }

    /// <summary>
    /// Parses a decimal fraction such as the PSI averages (<c>0.59</c>): digits, one optional dot, digits.
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> token, out double value)
    {
        value = 0;
        if (token.Length is 0 or > 32)
        {
            return false;
        }

        var dots = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return dots <= 1 && token[0] != '.' && token[^1] != '.'
            && double.TryParse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Shortens untrusted text for an error message (file content can be anything).</summary>
    internal static string Quote(ReadOnlySpan<char> text)
    {
        const int Max = 60;
        var s = text.Length > Max ? string.Concat(text[..Max], "...") : text.ToString();
        var sb = new System.Text.StringBuilder(s.Length + 2);
        sb.Append('\'');
        foreach (var c in s)
        {
            sb.Append(char.IsControl(c) ? '?' : c);
        }

        return sb.Append('\'').ToString();
    }
}
