using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Tests.LineProtocol;

public class LineSplitterTests
{
    [Fact]
    public void Split_NewlineInsideStringField_StaysInTheLine() =>
        Assert.Equal(["m s=\"a\nb\" 1", "m v=2 2"], LineSplitter.Split("m s=\"a\nb\" 1\nm v=2 2\n"));

    [Fact]
    public void Split_QuoteInMeasurementOrKey_DoesNotOpenAString() =>
        Assert.Equal(["a\"b,t\"=x k\"=1", "m v=2"], LineSplitter.Split("a\"b,t\"=x k\"=1\nm v=2\n"));

    [Fact]
    public void Split_EscapedQuoteInsideString_DoesNotCloseIt() =>
        Assert.Equal(["m s=\"a\\\"\nb\"", "n v=1"], LineSplitter.Split("m s=\"a\\\"\nb\"\nn v=1"));

    [Fact]
    public void Split_BlankLines_AreSkipped() =>
        Assert.Equal(["a v=1", "b v=2"], LineSplitter.Split("\na v=1\n\n\nb v=2\n"));
}
