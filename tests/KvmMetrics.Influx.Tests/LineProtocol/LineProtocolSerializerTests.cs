using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Tests.LineProtocol;

public class LineProtocolSerializerTests
{
    private const long T = 1465839830100400200;

    // Expected lines are the examples of the line protocol reference ("Special characters",
    // docs.influxdata.com/influxdb/v1.8/write_protocols/line_protocol_reference and v2 line-protocol).
    [Fact]
    public void Write_CommaInTagValue_IsEscaped() =>
        Assert.Equal(@"weather,location=us\,midwest temperature=82 1465839830100400200",
            Line(new PointData("weather").Tag("location", "us,midwest").Field("temperature", 82.0).Timestamp(T)));

    [Fact]
    public void Write_EqualsSignInFieldKey_IsEscaped() =>
        Assert.Equal(@"weather,location=us-midwest temp\=rature=82 1465839830100400200",
            Line(new PointData("weather").Tag("location", "us-midwest").Field("temp=rature", 82.0).Timestamp(T)));

    [Fact]
    public void Write_SpaceInTagKey_IsEscaped() =>
        Assert.Equal(@"weather,location\ place=us-midwest temperature=82 1465839830100400200",
            Line(new PointData("weather").Tag("location place", "us-midwest").Field("temperature", 82.0).Timestamp(T)));

    [Fact]
    public void Write_CommaInMeasurement_IsEscaped() =>
        Assert.Equal(@"wea\,ther,location=us-midwest temperature=82 1465839830100400200",
            Line(new PointData("wea,ther").Tag("location", "us-midwest").Field("temperature", 82.0).Timestamp(T)));

    [Fact]
    public void Write_SpaceInMeasurement_IsEscaped() =>
        Assert.Equal(@"wea\ ther,location=us-midwest temperature=82 1465839830100400200",
            Line(new PointData("wea ther").Tag("location", "us-midwest").Field("temperature", 82.0).Timestamp(T)));

    [Fact]
    public void Write_EqualsSignInMeasurement_IsNotEscaped() =>
        Assert.Equal("a=b value=1", Line(new PointData("a=b").Field("value", 1.0)));

    [Fact]
    public void Write_DoubleQuotesInStringField_AreEscaped() =>
        Assert.Equal("weather,location=us-midwest temperature=\"too\\\"hot\\\"\" 1465839830100400200",
            Line(new PointData("weather").Tag("location", "us-midwest").Field("temperature", "too\"hot\"").Timestamp(T)));

    [Fact]
    public void Write_BackslashInStringField_IsEscaped() =>
        Assert.Equal(@"weather temperature_str=""too hot\\cold""", Line(new PointData("weather").Field("temperature_str", @"too hot\cold")));

    [Fact]
    public void Write_SpecExampleWithSpacesInEverything_MatchesReference() =>
        Assert.Equal(@"myMeasurement,tag\ Key1=tag\ Value1,tag\ Key2=tag\ Value2 fieldKey=100",
            Line(new PointData("myMeasurement").Tag("tag Key1", "tag Value1").Tag("tag Key2", "tag Value2").Field("fieldKey", 100.0)));

    [Fact]
    public void Write_Emoji_IsWrittenVerbatim() =>
        Assert.Equal("myMeasurement,tagKey=🍭 fieldKey=\"Launch 🚀\" 1556813561098000000",
            Line(new PointData("myMeasurement").Tag("tagKey", "🍭").Field("fieldKey", "Launch 🚀").Timestamp(1556813561098000000)));

    [Fact]
    public void Write_TagsOutOfOrder_AreSortedByKey() =>
        Assert.Equal("m,a=1,b=2,c=3 v=1", Line(new PointData("m").Tag("c", "3").Tag("a", "1").Tag("b", "2").Field("v", 1.0)));

    [Fact]
    public void Write_EmptyTagValue_IsOmitted() =>
        Assert.Equal("m,b=2 v=1", Line(new PointData("m").Tag("a", string.Empty).Tag("b", "2").Field("v", 1.0)));

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1.5e-7, "1.5E-07")]
    [InlineData(123456789.123, "123456789.123")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    public void Write_Float_UsesShortestRoundTripInvariantForm(double value, string expected) =>
        Assert.Equal("m v=" + expected, Line(new PointData("m").Field("v", value)));

    [Theory]
    [InlineData(0L, "0i")]
    [InlineData(-42L, "-42i")]
    [InlineData(long.MaxValue, "9223372036854775807i")]
    [InlineData(long.MinValue, "-9223372036854775808i")]
    public void Write_Integer_HasISuffix(long value, string expected) =>
        Assert.Equal("m v=" + expected, Line(new PointData("m").Field("v", value)));

    [Fact]
    public void Write_Booleans_AreTrueFalse() =>
        Assert.Equal("m a=true,b=false", Line(new PointData("m").Field("a", true).Field("b", false)));

    [Theory]
    [InlineData(WritePrecision.Nanoseconds, "1700000000123456789")]
    [InlineData(WritePrecision.Microseconds, "1700000000123456")]
    [InlineData(WritePrecision.Milliseconds, "1700000000123")]
    [InlineData(WritePrecision.Seconds, "1700000000")]
    public void Write_Timestamp_IsTruncatedToPrecision(WritePrecision precision, string expected) =>
        Assert.Equal("m v=1 " + expected, LineProtocolSerializer.ToLine(new PointData("m").Field("v", 1.0).Timestamp(1700000000123456789), precision));

    [Fact]
    public void Write_NegativeTimestampInSeconds_RoundsTowardsNegativeInfinity() =>
        Assert.Equal("m v=1 -2", LineProtocolSerializer.ToLine(new PointData("m").Field("v", 1.0).Timestamp(-1_500_000_000), WritePrecision.Seconds));

    [Fact]
    public void Write_DateTimeOffsetTimestamp_IsUnixNanoseconds() =>
        Assert.Equal("m v=1 1000000000100", Line(new PointData("m").Field("v", 1.0).Timestamp(DateTimeOffset.UnixEpoch.AddSeconds(1000).AddTicks(1))));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Write_NonFiniteField_IsDroppedAndCounted_PointKeptWithOtherFields(double bad)
    {
        var sb = new System.Text.StringBuilder();
        var reason = LineProtocolSerializer.TryAppend(sb, new PointData("m").Field("a", bad).Field("b", 2.0), WritePrecision.Seconds, out var dropped);
        Assert.Null(reason);
        Assert.Equal(1, dropped);
        Assert.Equal("m b=2\n", sb.ToString());
    }

    [Fact]
    public void Write_OnlyNonFiniteFields_DropsPointWithNoFields()
    {
        var sb = new System.Text.StringBuilder();
        var reason = LineProtocolSerializer.TryAppend(sb, new PointData("m").Field("a", double.NaN), WritePrecision.Seconds, out var dropped);
        Assert.Equal(PointDropReason.NoFields, reason);
        Assert.Equal(1, dropped);
        Assert.Equal(0, sb.Length);
    }

    [Fact]
    public void Write_NoFieldsAtAll_IsDropped() =>
        Assert.Equal(PointDropReason.NoFields, LineProtocolSerializer.TryAppend(new(), new PointData("m").Tag("a", "b"), WritePrecision.Seconds, out _));

    [Theory]
    [InlineData("")]
    [InlineData("#comment")]
    public void Write_InvalidMeasurement_IsDroppedAsInvalid(string measurement) =>
        Assert.Equal(PointDropReason.Invalid, LineProtocolSerializer.TryAppend(new(), new PointData(measurement).Field("v", 1.0), WritePrecision.Seconds, out _));

    [Fact]
    public void Write_EmptyTagKey_IsDroppedAsInvalid() =>
        Assert.Equal(PointDropReason.Invalid, LineProtocolSerializer.TryAppend(new(), new PointData("m").Tag(string.Empty, "x").Field("v", 1.0), WritePrecision.Seconds, out _));

    [Theory]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\r\tb", @"a\r\tb")]
    public void Write_LineBreaksInTagValue_BecomeEscapeSequences(string value, string expected) =>
        Assert.Equal($"m,t={expected} v=1", Line(new PointData("m").Tag("t", value).Field("v", 1.0)));

    [Theory]
    [InlineData(@"a\b", @"a\b")]
    [InlineData(@"a\", @"a\\")]
    [InlineData(@"a\,b", @"a\\\,b")]
    [InlineData(@"a\\b", @"a\\\b")]
    public void Write_BackslashInTagValue_SpecDialect(string value, string expected) =>
        Assert.Equal($"m,t={expected} v=1", Line(new PointData("m").Tag("t", value).Field("v", 1.0)));

    [Theory]
    [InlineData(@"a\b", @"a\b")]
    [InlineData(@"a\", @"a_")]
    [InlineData(@"a\,b", @"a\\,b")]
    [InlineData(@"a\\b", @"a\\b")]
    public void Write_BackslashInTagValue_InfluxDb1Dialect(string value, string expected) =>
        Assert.Equal($"m,t={expected} v=1", LineProtocolSerializer.ToLine(new PointData("m").Tag("t", value).Field("v", 1.0), WritePrecision.Seconds, LineProtocolDialect.InfluxDb1));

    private static string? Line(PointData point) => LineProtocolSerializer.ToLine(point);
}
