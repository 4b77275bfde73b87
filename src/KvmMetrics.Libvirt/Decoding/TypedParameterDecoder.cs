using System.Buffers.Binary;
using System.Text;

namespace KvmMetrics.Libvirt.Decoding;

/// <summary>Reads the NUL-terminated string a <c>VIR_TYPED_PARAM_STRING</c> value points to; returns null for
/// a null pointer and throws <see cref="TypedParameterDecodeException"/> for a pointer it cannot resolve.</summary>
/// <param name="pointer">The raw 64-bit pointer value stored in the parameter's union.</param>
/// <param name="maxBytes">The most bytes to read; longer strings are truncated.</param>
public delegate string? TypedParameterStringReader(ulong pointer, int maxBytes);

/// <summary>
/// Decodes an array of libvirt <c>virTypedParameter</c> structs (x86-64/aarch64 LP64 layout: <c>char field[80]</c>,
/// <c>int type</c>, 4 bytes padding, an 8-byte value union; 96 bytes each) into <see cref="TypedParameter"/>
/// records. Pure: it reads only the given bytes and resolves string pointers through a caller-supplied reader,
/// so recorded fixtures and fuzzed garbage decode exactly as live memory does.
/// </summary>
public static class TypedParameterDecoder
{
    /// <summary>Size of one <c>virTypedParameter</c> (VIR_TYPED_PARAM_FIELD_LENGTH 80 + int + pad + union).</summary>
    public const int ParameterSize = 96;

    /// <summary><c>VIR_TYPED_PARAM_FIELD_LENGTH</c>.</summary>
    public const int FieldLength = 80;

    /// <summary>Offset of <c>int type</c>.</summary>
    public const int TypeOffset = 80;

    /// <summary>Offset of the value union (8-byte aligned).</summary>
    public const int ValueOffset = 88;

    /// <summary>String values longer than this many bytes are truncated (hostile metadata must not balloon a scrape).</summary>
    public const int MaxStringBytes = 4096;

    /// <summary>The most parameters one record may claim (a sanity bound against garbage counts).</summary>
    public const int MaxParameters = 1 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Decodes <paramref name="count"/> parameters from <paramref name="raw"/>.</summary>
    /// <param name="raw">At least <c>count * 96</c> bytes of a <c>virTypedParameter</c> array.</param>
    /// <param name="count">The <c>nparams</c> libvirt reported.</param>
    /// <param name="strings">Resolves string pointers; null makes every string value decode as null text (empty).</param>
    /// <returns>The parameters in array order; entries with an unknown type or an empty name are skipped
    /// (a newer libvirt may add types), so the result can be shorter than <paramref name="count"/>.</returns>
    /// <exception cref="TypedParameterDecodeException">The count is negative or too large, or the bytes are truncated,
    /// or the string reader rejects a pointer.</exception>
    public static TypedParameter[] Decode(ReadOnlySpan<byte> raw, int count, TypedParameterStringReader? strings)
    {
        if (count < 0 || count > MaxParameters)
        {
            throw new TypedParameterDecodeException($"parameter count {count} is outside 0..{MaxParameters}");
        }

        var needed = (long)count * ParameterSize;
        if (raw.Length < needed)
        {
            throw new TypedParameterDecodeException($"typed parameter array truncated: {count} parameters need {needed} bytes, have {raw.Length}");
        }

        // One array of the final size in the common case (every entry valid); shrunk only when entries were skipped.
        var result = new TypedParameter[count];
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            var entry = raw.Slice(i * ParameterSize, ParameterSize);
            if (TryDecodeOne(entry, strings, out var parameter))
            {
                result[kept++] = parameter;
            }
        }

        if (kept < count)
        {
            Array.Resize(ref result, kept);
        }

        return result;
    }

    /// <summary>Decodes one 96-byte entry; false when its type is unknown or its name empty.</summary>
    public static bool TryDecodeOne(ReadOnlySpan<byte> entry, TypedParameterStringReader? strings, out TypedParameter parameter)
    {
        if (entry.Length < ParameterSize)
        {
            throw new TypedParameterDecodeException($"typed parameter entry truncated: {entry.Length} of {ParameterSize} bytes");
        }

        parameter = default;
        var field = entry[..FieldLength];
        var nul = field.IndexOf((byte)0);
        var nameBytes = nul < 0 ? field : field[..nul];
        if (nameBytes.IsEmpty)
        {
            return false;
        }

        var name = DecodeName(nameBytes);
        var type = BinaryPrimitives.ReadInt32LittleEndian(entry.Slice(TypeOffset, 4));
        var value = entry.Slice(ValueOffset, 8);
        switch ((TypedParameterType)type)
        {
            case TypedParameterType.Int:
                {
                    var v = BinaryPrimitives.ReadInt32LittleEndian(value);
                    parameter = new TypedParameter(name, TypedParameterType.Int, v, null) { Integer = v };
                    return true;
                }

            case TypedParameterType.UInt:
                {
                    var v = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    parameter = new TypedParameter(name, TypedParameterType.UInt, v, null) { Integer = v };
                    return true;
                }

            case TypedParameterType.LLong:
                {
                    var v = BinaryPrimitives.ReadInt64LittleEndian(value);
                    parameter = new TypedParameter(name, TypedParameterType.LLong, v, null) { Integer = v };
                    return true;
                }

            case TypedParameterType.ULLong:
                {
                    var v = BinaryPrimitives.ReadUInt64LittleEndian(value);
                    parameter = new TypedParameter(name, TypedParameterType.ULLong, v, null) { Integer = unchecked((long)v) };
                    return true;
                }

            case TypedParameterType.Double:
                {
                    var v = BinaryPrimitives.ReadDoubleLittleEndian(value);
                    parameter = new TypedParameter(name, TypedParameterType.Double, v, null);
                    return true;
                }

            case TypedParameterType.Boolean:
                {
                    // The union member is a C char: only the first byte is defined.
                    var v = value[0] != 0 ? 1 : 0;
                    parameter = new TypedParameter(name, TypedParameterType.Boolean, v, null) { Integer = v };
                    return true;
                }

            case TypedParameterType.String:
                {
                    var pointer = BinaryPrimitives.ReadUInt64LittleEndian(value);
                    var text = pointer == 0 || strings is null ? string.Empty : strings(pointer, MaxStringBytes) ?? string.Empty;
                    parameter = new TypedParameter(name, TypedParameterType.String, double.NaN, text);
                    return true;
                }

            default:
                return false;
        }
    }

    /// <summary>Decodes UTF-8 bytes, replacing invalid sequences with U+FFFD (never throws).</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes) => Utf8.GetString(bytes);

    private static string DecodeName(ReadOnlySpan<byte> bytes)
    {
        // Field names are ASCII identifiers in every libvirt release; anything else is garbage made visible, not trusted.
        var ascii = true;
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                ascii = false;
                break;
            }
        }

        if (ascii)
        {
            return NameTable.InternAscii(bytes);
        }

        return string.Create(bytes.Length, bytes.ToArray(), static (span, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                span[i] = src[i] is < 0x20 or > 0x7e ? '?' : (char)src[i];
            }
        });
    }
}

/// <summary>The bytes given to <see cref="TypedParameterDecoder"/> are not a valid typed parameter array.</summary>
public sealed class TypedParameterDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TypedParameterDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TypedParameterDecodeException()
        : base("invalid typed parameter array")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TypedParameterDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
