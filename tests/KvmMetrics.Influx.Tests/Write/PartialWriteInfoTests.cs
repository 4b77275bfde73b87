using KvmMetrics.Influx.Write;

namespace KvmMetrics.Influx.Tests.Write;

public class PartialWriteInfoTests
{
    // Bodies below were returned by influxd 1.6.7 on this machine for the given lines.
    [Fact]
    public void Parse_InfluxDb1PartialWrite_FindsEveryNamedLineByContent()
    {
        string[] lines = ["m v=1 1", "m v= 2", "m v=3 3", "bad line", "m v=1E+20 4", @"m,t=x\\ v=6 6"];
        const string body = "{\"error\":\"partial write: unable to parse 'm v= 2': missing field value\\nunable to parse 'bad line': invalid field format\\nunable to parse 'm,t=x\\\\\\\\ v=6 6': invalid tag format dropped=0\"}";
        var info = PartialWriteInfo.Parse(body, lines);
        Assert.Equal([1, 3, 5], info.BadLines);
        Assert.True(info.GoodLinesWritten);
        Assert.Equal(0, info.DroppedCount);
    }

    [Fact]
    public void Parse_InfluxDb1FieldTypeConflict_HasDroppedCountButNoLine()
    {
        const string body = "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" on measurement \\\"m\\\" is type integer, already exists as type float dropped=1\"}";
        var info = PartialWriteInfo.Parse(body, ["m v=1i 10"]);
        Assert.Empty(info.BadLines);
        Assert.True(info.GoodLinesWritten);
        Assert.Equal(1, info.DroppedCount);
    }

    [Fact]
    public void Parse_InfluxDb1AllLinesBad_IsNotAPartialWrite()
    {
        var info = PartialWriteInfo.Parse("{\"error\":\"unable to parse 'bad': missing fields\"}", ["bad"]);
        Assert.Equal([0], info.BadLines);
        Assert.False(info.GoodLinesWritten);
    }

    [Fact]
    public void Parse_LineContainingQuoteAndColon_IsStillMatched()
    {
        string[] lines = ["ok v=1", "m s=\"it's': odd\" 1x"];
        var body = "{\"error\":\"partial write: unable to parse 'm s=\\\"it's': odd\\\" 1x': bad timestamp dropped=0\"}";
        Assert.Equal([1], PartialWriteInfo.Parse(body, lines).BadLines);
    }

    [Fact]
    public void Parse_V2MessageWithLineNumber_UsesOneBasedNumber()
    {
        var info = PartialWriteInfo.Parse("{\"code\":\"invalid\",\"message\":\"unable to parse points: line 2: no field values\"}", ["a v=1", "b", "c v=3"]);
        Assert.Equal([1], info.BadLines);
        Assert.False(info.GoodLinesWritten);
    }

    [Fact]
    public void Parse_V3DataArray_UsesLineNumbers()
    {
        const string body = "{\"error\":\"partial write of line protocol occurred\",\"data\":[{\"original_line\":\"b\",\"line_number\":2,\"error_message\":\"No fields were provided\"},{\"original_line\":\"d\",\"line_number\":4,\"error_message\":\"x\"}]}";
        var info = PartialWriteInfo.Parse(body, ["a v=1", "b", "c v=3", "d"]);
        Assert.Equal([1, 3], info.BadLines);
        Assert.True(info.GoodLinesWritten);
    }

    [Fact]
    public void Parse_NotJson_KeepsRawBodyAsMessage()
    {
        var info = PartialWriteInfo.Parse("<html>proxy error</html>", ["a v=1"]);
        Assert.Equal("<html>proxy error</html>", info.Message);
        Assert.Empty(info.BadLines);
    }
}
