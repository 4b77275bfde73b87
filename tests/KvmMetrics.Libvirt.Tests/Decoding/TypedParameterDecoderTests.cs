using System.Buffers.Binary;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Libvirt.Decoding;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Libvirt.Tests.Decoding;

public sealed class TypedParameterDecoderTests
{
    public static TheoryData<string> Fixtures => new() { "running-idle", "running-kvm", "paused-hostile-name", "inactive" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_RecordedArray_MatchesRecordedJson(string fixture)
    {
        var blob = ParameterBlob.Read(File.ReadAllBytes(RepoPaths.TestData("stats", fixture + ".params.bin")));
        var expected = Assert.Single(DomainStatsJson.Deserialize(File.ReadAllText(RepoPaths.TestData("stats", fixture + ".json"))));

        var decoded = blob.Decode();

        Assert.Equal(blob.Count, decoded.Length);
        Assert.Equal(expected.Parameters, decoded);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_RecordedArray_AgreesWithVirshDomstats(string fixture)
    {
        // virsh printed the same guest right after the capture: names, order, types and stable values must agree.
        var blob = ParameterBlob.Read(File.ReadAllBytes(RepoPaths.TestData("stats", fixture + ".params.bin")));
        var virsh = File.ReadAllLines(RepoPaths.TestData("stats", fixture + ".virsh.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => (Name: l[..l.IndexOf('=', StringComparison.Ordinal)], Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .ToList();

        var decoded = blob.Decode();

        Assert.Equal(virsh.Select(v => v.Name), decoded.Select(d => d.Name));
        foreach (var (p, (name, value)) in decoded.Zip(virsh))
        {
            if (p.Type == TypedParameterType.String)
            {
                Assert.Equal(value, p.Text);
            }
            else if (p.Type == TypedParameterType.Boolean)
            {
                Assert.Equal(value == "yes" ? 1 : 0, p.Number);
            }
            else if (name.StartsWith("state.", StringComparison.Ordinal) || name.EndsWith(".capacity", StringComparison.Ordinal)
                     || name.StartsWith("vcpu.c", StringComparison.Ordinal) || name.StartsWith("vcpu.m", StringComparison.Ordinal)
                     || name == "balloon.maximum" || name.EndsWith(".count", StringComparison.Ordinal))
            {
                Assert.Equal(double.Parse(value, CultureInfo.InvariantCulture), p.Number);
            }
        }
    }

    [Fact]
    public void Decode_RunningFixture_HasTheExpectedGroupsAndTypes()
    {
        var decoded = ParameterBlob.Read(File.ReadAllBytes(RepoPaths.TestData("stats", "running-kvm.params.bin"))).Decode();
        TypedParameter Get(string n) => Assert.Single(decoded, p => p.Name == n);

        Assert.Equal(TypedParameterType.Int, Get("state.state").Type);
        Assert.Equal(1, Get("state.state").Number);
        Assert.Equal(TypedParameterType.ULLong, Get("cpu.time").Type);
        Assert.True(Get("cpu.time").Number > 0);
        Assert.Equal(TypedParameterType.UInt, Get("vcpu.current").Type);
        Assert.Equal(TypedParameterType.Boolean, Get("vcpu.0.blocking.cur").Type);
        Assert.Equal("vda", Get("block.0.name").Text);
        Assert.Contains(decoded, p => p.Name.StartsWith("vm.", StringComparison.Ordinal));
        Assert.Contains(decoded, p => p.Name.StartsWith("net.0.", StringComparison.Ordinal));
    }

    [Fact]
    public void Decode_EveryType_DecodesValuesExactly()
    {
        var blob = ParameterBlob.From(
        [
            ("a.int", TypedParameterType.Int, -7),
            ("a.uint", TypedParameterType.UInt, uint.MaxValue),
            ("a.llong", TypedParameterType.LLong, long.MinValue),
            ("a.ullong", TypedParameterType.ULLong, ulong.MaxValue),
            ("a.double", TypedParameterType.Double, 0.25),
            ("a.bool", TypedParameterType.Boolean, true),
            ("a.string", TypedParameterType.String, "vda"),
        ]);

        var d = blob.Decode();

        Assert.Equal(new TypedParameter("a.int", TypedParameterType.Int, -7, null) { Integer = -7 }, d[0]);
        Assert.Equal(uint.MaxValue, d[1].Number);
        Assert.Equal(long.MinValue, d[2].Integer);
        Assert.Equal(ulong.MaxValue, unchecked((ulong)d[3].Integer));
        Assert.Equal(1.8446744073709552E+19, d[3].Number);
        Assert.Equal(0.25, d[4].Number);
        Assert.Equal(1, d[5].Number);
        Assert.Equal("vda", d[6].Text);
        Assert.True(double.IsNaN(d[6].Number));
    }

    [Fact]
    public void Decode_InvalidUtf8String_UsesReplacementCharacters()
    {
        var blob = ParameterBlob.From([("block.0.path", TypedParameterType.String, new byte[] { 0x2F, 0xFF, 0xC3, 0x28, 0x22, 0x5C })]);

        var d = Assert.Single(blob.Decode());

        Assert.Equal("/\uFFFD\uFFFD(\"\\", d.Text);
    }

    [Fact]
    public void Decode_VeryLongString_IsCappedAt4096Bytes()
    {
        var blob = ParameterBlob.From([("x.s", TypedParameterType.String, new string('a', 100_000))]);

        Assert.Equal(TypedParameterDecoder.MaxStringBytes, Assert.Single(blob.Decode()).Text!.Length);
    }

    [Fact]
    public void Decode_UnknownTypeOrEmptyName_SkipsTheEntryOnly()
    {
        var blob = ParameterBlob.From([("a", TypedParameterType.Int, 1), ("b", TypedParameterType.Int, 2), ("", TypedParameterType.Int, 3)]);
        BinaryPrimitives.WriteInt32LittleEndian(blob.Entries.AsSpan(TypedParameterDecoder.ParameterSize + TypedParameterDecoder.TypeOffset), 99);

        var d = blob.Decode();

        Assert.Equal(["a"], d.Select(p => p.Name));
    }

    [Fact]
    public void Decode_NameWithoutTerminator_TakesAllEightyBytes()
    {
        var entry = new byte[TypedParameterDecoder.ParameterSize];
        entry.AsSpan(0, 80).Fill((byte)'x');
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(80), (int)TypedParameterType.Int);

        var d = Assert.Single(TypedParameterDecoder.Decode(entry, 1, null));

        Assert.Equal(new string('x', 80), d.Name);
    }

    [Fact]
    public void Decode_NonAsciiName_IsMadeVisibleNotTrusted()
    {
        var entry = new byte[TypedParameterDecoder.ParameterSize];
        "cpu\n\u00e9"u8.CopyTo(entry);
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(80), (int)TypedParameterType.Int);

        Assert.Equal("cpu???", Assert.Single(TypedParameterDecoder.Decode(entry, 1, null)).Name);
    }

    [Theory]
    [InlineData(1, 95)]
    [InlineData(2, 100)]
    [InlineData(-1, 0)]
    [InlineData(2_000_000, 0)]
    public void Decode_TruncatedArrayOrBadCount_ThrowsTypedDecodeError(int count, int bytes)
    {
        var e = Assert.Throws<TypedParameterDecodeException>(() => TypedParameterDecoder.Decode(new byte[bytes], count, null));

        Assert.Contains(count.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RecordedArrayCutShort_ThrowsTypedDecodeError()
    {
        var blob = ParameterBlob.Read(File.ReadAllBytes(RepoPaths.TestData("stats", "running-idle.params.bin")));

        Assert.Throws<TypedParameterDecodeException>(() => TypedParameterDecoder.Decode(blob.Entries.AsSpan(0, blob.Entries.Length - 1), blob.Count, blob.Reader));
    }

    [Fact]
    public void Decode_StringPointerOutsideTable_ThrowsTypedDecodeError()
    {
        var blob = ParameterBlob.From([("s", TypedParameterType.String, "ok")]);
        BinaryPrimitives.WriteUInt64LittleEndian(blob.Entries.AsSpan(TypedParameterDecoder.ValueOffset), 12345);

        Assert.Throws<TypedParameterDecodeException>(() => blob.Decode());
    }

    [Fact]
    public void Decode_GarbageBytes_NeverThrowsAnythingButDecodeError()
    {
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            Arb.From(Gen.Choose(-3, 12)),
            (bytes, count) =>
            {
                var strings = new byte[] { (byte)'a', 0, 0xFF, 0xFE };
                var blob = new ParameterBlob(bytes, count, strings);
                try
                {
                    var result = blob.Decode();
                    return result.Length <= count && result.All(p => p.Name.Length is > 0 and <= 80 && (p.Type != TypedParameterType.String || p.Text is not null));
                }
                catch (TypedParameterDecodeException)
                {
                    return true;
                }
            });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }

    [Fact]
    public void Decode_MutatedRecordedArray_NeverThrowsAnythingButDecodeError()
    {
        var blob = ParameterBlob.Read(File.ReadAllBytes(RepoPaths.TestData("stats", "running-kvm.params.bin")));
        var property = Prop.ForAll(
            Arb.From(Gen.Choose(0, blob.Entries.Length - 1)),
            Arb.From(Gen.Choose(0, 255)),
            Arb.From(Gen.Choose(0, blob.Entries.Length)),
            (position, value, cut) =>
            {
                var mutated = blob.Entries.ToArray();
                mutated[position] = (byte)value;
                try
                {
                    new ParameterBlob(mutated.AsSpan(0, cut).ToArray(), blob.Count, blob.Strings).Decode();
                    return cut == blob.Entries.Length;
                }
                catch (TypedParameterDecodeException)
                {
                    return true;
                }
            });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }
}
