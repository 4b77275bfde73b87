using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Tests.Parsing;

/// <summary>Arbitrary bytes (and near-valid text) into every parser: a result, never an exception.</summary>
public class ParserPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2000);

    /// <summary>Every parser the reader uses, by file kind.</summary>
    public static readonly IReadOnlyList<(string Name, Func<string, object> Parse)> Parsers =
    [
        ("flat-keyed", s => FlatKeyedParser.Parse(s)),
        ("number", s => SingleValueParser.ParseNumber(s)),
        ("limit", s => SingleValueParser.ParseLimit(s)),
        ("cpu.max", s => CpuMaxParser.Parse(s)),
        ("pressure", s => PressureParser.Parse(s)),
        ("io.stat", s => IoDeviceParser.ParseStat(s)),
        ("io.max", s => IoDeviceParser.ParseMax(s)),
        ("io.weight", s => IoWeightParser.Parse(s)),
    ];

    // Fragments of real files, so generated text is often almost valid (the interesting cases).
    private static readonly string[] Fragments =
    [
        "usage_usec", " ", "\n", "=", ":", "max", "0", "12", "18446744073709551616", "-", ".", "some", "full", "avg10=0.00",
        "total=", "8:0", "rbytes=", "default", "\0", "\r", "\t", "é", "\uFFFD", "99999999999999999999999999",
    ];

    [Fact]
    public void EveryParser_ArbitraryBytes_NeverThrows()
    {
        var bytes = ArbMap.Default.ArbFor<byte[]>();
        Prop.ForAll(bytes, data =>
        {
            var text = Encoding.UTF8.GetString(data);
            foreach (var (_, parse) in Parsers)
            {
                parse(text);
            }
        }).Check(Config);
    }

    [Fact]
    public void EveryParser_ShuffledRealFragments_NeverThrowsAndNeverOkWithoutNewline()
    {
        var gen = Gen.ArrayOf(Gen.Elements(Fragments)).Select(parts => string.Concat(parts));
        Prop.ForAll(gen.ToArbitrary(), text =>
        {
            foreach (var (name, parse) in Parsers)
            {
                var result = parse(text);
                var ok = (bool)result.GetType().GetProperty("IsOk")!.GetValue(result)!;
                if (ok && text.Length > 0 && text[^1] != '\n')
                {
                    throw new InvalidOperationException($"{name} accepted text without a final newline: {text}");
                }
            }
        }).Check(Config);
    }
}
