namespace KvmMetrics.Libvirt.Decoding;

/// <summary>Reads NUL-terminated UTF-8 strings from native memory owned by libvirt.</summary>
internal static unsafe class NativeStrings
{
    /// <summary>Reads up to <paramref name="maxBytes"/> bytes (stopping at NUL, never past it) and decodes them
    /// with replacement characters; null for a null pointer.</summary>
    public static string? Read(IntPtr p, int maxBytes = TypedParameterDecoder.MaxStringBytes)
    {
        if (p == IntPtr.Zero)
        {
            return null;
        }

        var bytes = (byte*)p;
        var length = 0;
        // Byte by byte so a short allocation is never read past its terminator.
        while (length < maxBytes && bytes[length] != 0)
        {
            length++;
        }

        return TypedParameterDecoder.DecodeUtf8(new ReadOnlySpan<byte>(bytes, length));
    }

    /// <summary>The live reader for <see cref="TypedParameterDecoder"/>: string pointers are real addresses.</summary>
    public static readonly TypedParameterStringReader Live = static (pointer, max) => Read((IntPtr)(long)pointer, max);
}
