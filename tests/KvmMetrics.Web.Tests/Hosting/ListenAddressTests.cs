using System.Net;
using KvmMetrics.Web.Hosting;

namespace KvmMetrics.Web.Tests.Hosting;

public class ListenAddressTests
{
    [Theory]
    [InlineData(":9177", null, false, 9177)]
    [InlineData("127.0.0.1:9177", "127.0.0.1", false, 9177)]
    [InlineData("0.0.0.0:80", "0.0.0.0", false, 80)]
    [InlineData("[::1]:9177", "::1", false, 9177)]
    [InlineData("[::]:9177", "::", false, 9177)]
    [InlineData("localhost:9177", null, true, 9177)]
    [InlineData("127.0.0.1:0", "127.0.0.1", false, 0)]
    public void Parse_Valid(string text, string? address, bool localhost, int port)
    {
        var parsed = ListenAddress.Parse(text);

        Assert.Equal(address is null ? null : IPAddress.Parse(address), parsed.Address);
        Assert.Equal(localhost, parsed.Localhost);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("9177", "no port")]
    [InlineData(":", "is not a port")]
    [InlineData(":65536", "is not a port")]
    [InlineData(":-1", "is not a port")]
    [InlineData(":91x", "is not a port")]
    [InlineData("::1:9177", "is not an IPv4")]
    [InlineData("[::1:9177", "is not an IPv4")]
    [InlineData("[127.0.0.1]:9177", "is not an IPv6")]
    [InlineData("example.com:9177", "is not an IPv4")]
    [InlineData("10.1:9177", "is not an IPv4")]
    public void Parse_Invalid_ThrowsClearError(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ListenAddress.Parse(text));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("expected ':PORT'", e.Message, StringComparison.Ordinal);
    }
}
