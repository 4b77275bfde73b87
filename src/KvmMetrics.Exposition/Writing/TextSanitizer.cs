using System.Text;

namespace KvmMetrics.Exposition.Writing;

/// <summary>Text helpers shared by the model and the writers.</summary>
internal static class TextSanitizer
{
    /// <summary>
    /// Returns <paramref name="text"/> with every lone surrogate replaced by U+FFFD (the same
    /// replacement the UTF-8 encoder makes), or the same instance when it is well-formed.
    /// </summary>
    public static string ReplaceInvalidSurrogates(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        char[]? copy = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                copy ??= text.ToCharArray();
                copy[i] = '\uFFFD';
            }
        }

        return copy is null ? text : new string(copy);
    }

    /// <summary>The UTF-8 encoding used for output: no BOM, invalid UTF-16 replaced.</summary>
    public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
}
