using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Tests.LineProtocol;

public class LineProtocolRoundTripTests
{
    // Names cannot hold line breaks (written lossily as \n), so the generators leave them out.
    private static readonly Gen<string> NameText =
        Gen.Elements("a", "b", "Z", "0", ",", "=", " ", "\\", "\"", "'", "é", "🚀", "#", "_", "-", ".", "\\,", "\\ ", "\\=")
            .ListOf()
            .Select(parts => string.Concat(parts))
            .Where(s => s.Length > 0);

    private static readonly Gen<string> FieldText =
        Gen.Elements("a", " ", ",", "=", "\\", "\"", "\n", "\t", "é", "🚀", "\\\"", "\"\\")
            .ListOf()
            .Select(parts => string.Concat(parts));

    [Fact]
    public void ArbitraryNamesAndStrings_RoundTrip_SpecDialect() =>
        Prop.ForAll(Arb.From(NameText), Arb.From(NameText), Arb.From(FieldText), (name, tagValue, text) =>
            RoundTrips(name, tagValue, text, LineProtocolDialect.Spec)).QuickCheckThrowOnFailure();

    [Fact]
    public void ArbitraryNamesAndStrings_RoundTrip_InfluxDb1Dialect_ExceptTrailingBackslash() =>
        Prop.ForAll(Arb.From(NameText.Where(s => !s.EndsWith('\\'))), Arb.From(NameText.Where(s => !s.EndsWith('\\'))), Arb.From(FieldText), (name, tagValue, text) =>
            RoundTrips(name, tagValue, text, LineProtocolDialect.InfluxDb1)).QuickCheckThrowOnFailure();

    [Fact]
    public void ArbitraryFloats_RoundTripExactly() =>
        Prop.ForAll<NormalFloat>(f =>
        {
            var line = LineProtocolSerializer.ToLine(new PointData("m").Field("v", f.Get))!;
            return BitConverter.DoubleToInt64Bits((double)TestLineProtocolParser.Parse(line).Fields[0].Value) == BitConverter.DoubleToInt64Bits(f.Get);
        }).QuickCheckThrowOnFailure();

    private static bool RoundTrips(string name, string tagValue, string text, LineProtocolDialect dialect)
    {
        if (name.StartsWith('#'))
        {
            name = "m" + name;
        }

        var point = new PointData(name).Tag(name, tagValue).Field(name, text).Field("n", 42L).Timestamp(7);
        var line = LineProtocolSerializer.ToLine(point, WritePrecision.Nanoseconds, dialect)!;
        var parsed = TestLineProtocolParser.Parse(line, dialect);
        Assert.Equal(name, parsed.Measurement);
        Assert.Equal(new KeyValuePair<string, string>(name, tagValue), Assert.Single(parsed.Tags));
        Assert.Equal(new KeyValuePair<string, object>(name, text), parsed.Fields[0]);
        Assert.Equal(new KeyValuePair<string, object>("n", 42L), parsed.Fields[1]);
        Assert.Equal(7, parsed.Timestamp);
        Assert.Single(LineSplitter.Split(line + "\n", dialect));
        return true;
    }
}
