using System.Buffers.Binary;
using System.Text;
using KvmMetrics.Libvirt.Decoding;

namespace KvmMetrics.Libvirt.Tests.Decoding;

/// <summary>
/// A recorded <c>virTypedParameter</c> array: "KMTP", int32 version 1, int32 nparams, int32 string-table length, the
/// raw 96-byte entries exactly as libvirt returned them except that each string pointer is replaced by
/// (offset + 1) into the string table (0 stays a null pointer), then the NUL-terminated strings.
/// </summary>
public sealed class ParameterBlob
{
    private static readonly byte[] Magic = "KMTP"u8.ToArray();

    public ParameterBlob(byte[] entries, int count, byte[] strings)
    {
        Entries = entries;
        Count = count;
        Strings = strings;
    }

    public byte[] Entries { get; }

    public int Count { get; }

    public byte[] Strings { get; }

    /// <summary>Resolves rewritten pointers against <see cref="Strings"/>; out-of-range pointers are a decode error.</summary>
    public TypedParameterStringReader Reader => (pointer, max) =>
    {
        var offset = pointer - 1;
        if (offset >= (ulong)Strings.Length)
        {
            throw new TypedParameterDecodeException($"string pointer {pointer} is outside the {Strings.Length}-byte string table");
        }

        var span = Strings.AsSpan((int)offset);
        var nul = span.IndexOf((byte)0);
        var length = Math.Min(nul < 0 ? span.Length : nul, max);
        return TypedParameterDecoder.DecodeUtf8(span[..length]);
    };

    public TypedParameter[] Decode() => TypedParameterDecoder.Decode(Entries, Count, Reader);

    public static ParameterBlob Read(byte[] file)
    {
        if (file.Length < 16 || !file.AsSpan(0, 4).SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(4)) != 1)
        {
            throw new InvalidDataException("not a KMTP v1 parameter blob");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        var stringLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        var entryBytes = file.Length - 16 - stringLength;
        return new ParameterBlob(file.AsSpan(16, entryBytes).ToArray(), count, file.AsSpan(16 + entryBytes, stringLength).ToArray());
    }

    public byte[] Write()
    {
        var file = new byte[16 + Entries.Length + Strings.Length];
        Magic.CopyTo(file, 0);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), Count);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(12), Strings.Length);
        Entries.CopyTo(file, 16);
        Strings.CopyTo(file, 16 + Entries.Length);
        return file;
    }

    /// <summary>Builds a blob from managed parameters (for synthetic cases), laid out as libvirt lays them out.</summary>
    public static ParameterBlob From(IEnumerable<(string Name, TypedParameterType Type, object Value)> parameters)
    {
        var list = parameters.ToList();
        var entries = new byte[list.Count * TypedParameterDecoder.ParameterSize];
        var strings = new MemoryStream();
        for (var i = 0; i < list.Count; i++)
        {
            var (name, type, value) = list[i];
            var e = entries.AsSpan(i * TypedParameterDecoder.ParameterSize, TypedParameterDecoder.ParameterSize);
            Encoding.ASCII.GetBytes(name).AsSpan(0, Math.Min(name.Length, 79)).CopyTo(e);
            BinaryPrimitives.WriteInt32LittleEndian(e[80..], (int)type);
            var v = e[88..];
            switch (value)
            {
                case int x: BinaryPrimitives.WriteInt32LittleEndian(v, x); break;
                case uint x: BinaryPrimitives.WriteUInt32LittleEndian(v, x); break;
                case long x: BinaryPrimitives.WriteInt64LittleEndian(v, x); break;
                case ulong x: BinaryPrimitives.WriteUInt64LittleEndian(v, x); break;
                case double x: BinaryPrimitives.WriteDoubleLittleEndian(v, x); break;
                case bool x: v[0] = x ? (byte)1 : (byte)0; break;
                case byte[] bytes:
                    BinaryPrimitives.WriteUInt64LittleEndian(v, (ulong)strings.Length + 1);
                    strings.Write(bytes);
                    strings.WriteByte(0);
                    break;
                case string s:
                    BinaryPrimitives.WriteUInt64LittleEndian(v, (ulong)strings.Length + 1);
                    strings.Write(Encoding.UTF8.GetBytes(s));
                    strings.WriteByte(0);
                    break;
                default: throw new ArgumentException("unsupported value " + value);
            }
        }

        return new ParameterBlob(entries, list.Count, strings.ToArray());
    }
}
