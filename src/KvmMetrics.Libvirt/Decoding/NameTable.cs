using System.Collections.Concurrent;
using System.Text;

namespace KvmMetrics.Libvirt.Decoding;

/// <summary>
/// Interns the statistic names and name parts that every scrape decodes again (<c>block.0.rd.bytes</c>, its prefix
/// <c>block</c> and rest <c>rd.bytes</c>): a host has a few thousand distinct ones and they repeat every round, so a
/// scrape reuses the strings of the previous one instead of allocating them anew. Bounded: past
/// <see cref="Capacity"/> entries (garbage names, device churn) new strings are returned uninterned.
/// </summary>
public static class NameTable
{
    /// <summary>Most entries kept.</summary>
    public const int Capacity = 1 << 16;

    private static readonly ConcurrentDictionary<string, string> Strings = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars =
        Strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Entries held now.</summary>
    public static int Count => Strings.Count;

    /// <summary>The interned string equal to <paramref name="chars"/>.</summary>
    public static string Intern(ReadOnlySpan<char> chars)
    {
        if (ByChars.TryGetValue(chars, out var known))
        {
            return known;
        }

        var text = chars.ToString();
        return Strings.Count < Capacity ? Strings.GetOrAdd(text, text) : text;
    }

    /// <summary>The interned string of printable ASCII <paramref name="ascii"/> (at most 256 bytes, as libvirt's 80-byte field).</summary>
    public static string InternAscii(ReadOnlySpan<byte> ascii)
    {
        if (ascii.Length > 256)
        {
            return Encoding.ASCII.GetString(ascii);
        }

        Span<char> chars = stackalloc char[ascii.Length];
        for (var i = 0; i < ascii.Length; i++)
        {
            chars[i] = (char)ascii[i];
        }

        return Intern(chars);
    }
}
