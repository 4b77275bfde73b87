using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Sample;

namespace KvmMetrics.Analyzer.Tests.Data;

/// <summary>
/// Property-based fuzzing of the analyzer's file inputs (history CSV, cluster JSON): any input is either read or
/// refused with a <see cref="UsageException"/> naming the source, never another exception; valid data round-trips.
/// </summary>
public sealed class InputFuzzTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2000);

    private static bool ReadsOrRefusesCleanly(Func<object> read, string source)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (UsageException e)
        {
            Assert.StartsWith(source, e.Message, StringComparison.Ordinal);
            // At most 10 problems, each quoting at most 40 characters of the input: the message never echoes a whole file.
            Assert.True(e.Message.Length < 8000, "error message of " + e.Message.Length + " characters");
            return true;
        }
    }

    [Fact]
    public void HistoryCsv_ArbitraryLines_AreReadOrRefusedWithTheLineNumber()
    {
        var field = Gen.Elements("1700000000", "-1", "0", "9223372036854775808", "1e3", "vm1", "", " ", "cpu_cores", "NaN", "Infinity", "-0", "1.5e308", "1e400",
            "\"quoted,\"", "\u0000", "é", "0x10", "١٢٣");
        var line = Gen.Frequency(
                (5, field.ArrayOf().Select(f => string.Join(",", f))),
                (1, Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString()).ArrayOf().Select(cs => string.Concat(cs))));
        var file = Gen.Frequency(
                (4, line.ListOf().Select(lines => "timestamp,entity,metric,value\n" + string.Join("\n", lines))),
                (1, line.ListOf().Select(lines => string.Join("\r\n", lines))));

        Prop.ForAll(file.ToArbitrary(), text =>
            ReadsOrRefusesCleanly(() => HistoryCsv.Read(new StringReader(text), "fuzz.csv"), "fuzz.csv")).Check(Config);
    }

    [Fact]
    public void HistoryCsv_ValidSeries_RoundTripExactly()
    {
        // Names as libvirt allows them: commas, quotes, line breaks, spaces, non-ASCII (only '/' is refused).
        var nameChar = Gen.Elements(",", "\"", "\n", "\r\n", " ", "a", "Z", "-", "é", "\t", "'", "\\");
        var name = nameChar.ArrayOf().Select(cs => "vm" + string.Concat(cs));
        var series = Gen.Choose(1, 40).SelectMany(n => name.SelectMany(entity =>
            Gen.Choose(-1_000_000, 1_000_000).Select(v => v / 7.0).ArrayOf(n).Select(values =>
                new RawSeries(entity, "cpu_cores",
                    Enumerable.Range(0, n).Select(i => 1_700_000_000L + (300L * i)).ToArray(), values))));

        Prop.ForAll(series.ToArbitrary(), s =>
        {
            using var writer = new StringWriter();
            HistoryCsv.Write(writer, [s]);
            var back = HistoryCsv.Read(new StringReader(writer.ToString()), "roundtrip.csv").Single();
            // a CRLF inside a quoted name is read back as LF (the reader works in lines)
            return back.Entity == s.Entity.Replace("\r\n", "\n", StringComparison.Ordinal) && back.Metric == s.Metric && back.Timestamps.SequenceEqual(s.Timestamps) && back.Values.SequenceEqual(s.Values);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void ClusterJson_MutatedSample_IsReadOrRefusedNamingTheSource()
    {
        var sample = BundledSample.ClusterJson();
        var insert = Gen.Elements("{", "}", "[", "]", ",", ":", "\"", "-", "0", "9", "e", "null", "true", "1e400", "-1", "\u0000", "\"cores\":", "\"\\ud800\"", "{}", "[]", "NaN");
        var mutation = Gen.Choose(0, sample.Length - 1).SelectMany(at =>
            Gen.Choose(0, 20).SelectMany(cut =>
                insert.Select(text => sample[..at] + text + sample[Math.Min(sample.Length, at + cut)..])));
        var mutated = mutation.ListOf().Select(ms => ms.Count == 0 ? sample : ms[^1]);

        Prop.ForAll(mutated.ToArbitrary(), json =>
            ReadsOrRefusesCleanly(() => ClusterJsonReader.Parse(json, "fuzz.json"), "fuzz.json")).Check(Config);
    }

    [Fact]
    public void ClusterJson_ArbitraryJsonTokens_AreReadOrRefused()
    {
        var token = Gen.Elements("{", "}", "[", "]", ",", ":", "\"hosts\"", "\"vms\"", "\"name\"", "\"h1\"", "\"cores\"", "\"memoryBytes\"", "\"host\"", "\"policy\"",
            "0", "-1", "1e308", "1e400", "true", "null", "\"\"", " ");
        var json = token.ListOf().Select(ts => string.Concat(ts));
        Prop.ForAll(json.ToArbitrary(), j => ReadsOrRefusesCleanly(() => ClusterJsonReader.Parse(j, "tokens.json"), "tokens.json")).Check(Config);
    }
}
