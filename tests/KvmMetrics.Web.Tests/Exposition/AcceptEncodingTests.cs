using KvmMetrics.Web.Exposition;

namespace KvmMetrics.Web.Tests.Exposition;

public class AcceptEncodingTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("identity", false)]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("x-gzip", true)]
    [InlineData("deflate, gzip;q=0.5", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip;q=0.000", false)]
    [InlineData("gzip;q=0.001", true)]
    [InlineData("*", true)]
    [InlineData("*;q=0", false)]
    [InlineData("gzip;q=0, *", false)]
    [InlineData("br, *;q=0.1", true)]
    [InlineData("gzip;q=junk", false)]
    [InlineData(",,;;", false)]
    public void AllowsGzip_FollowsQValues(string? header, bool expected)
    {
        Assert.Equal(expected, AcceptEncoding.AllowsGzip(header));
    }
}
