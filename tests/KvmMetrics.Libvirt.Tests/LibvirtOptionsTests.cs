namespace KvmMetrics.Libvirt.Tests;

public sealed class LibvirtOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValuesAndValid()
    {
        var o = new LibvirtOptions();

        Assert.Equal("qemu:///system", o.Uri);
        Assert.Equal(TimeSpan.Zero, o.KeepAliveInterval); // off: see LibvirtOptions (libvirt 9.0 crash on keepalive close)
        Assert.Equal(3, o.KeepAliveCount);
        Assert.Equal(1, o.ParallelChunks);
        Assert.Equal(TimeSpan.FromSeconds(30), o.ReconnectBackoffMax);
        Assert.Empty(o.Validate());
    }

    public static TheoryData<LibvirtOptions, string> Invalid => new()
    {
        { new LibvirtOptions(uri: ""), "libvirt URI" },
        { new LibvirtOptions(uri: "system"), "libvirt URI" },
        { new LibvirtOptions(keepAliveInterval: TimeSpan.FromMilliseconds(500)), "keepalive interval" },
        { new LibvirtOptions(keepAliveInterval: TimeSpan.FromHours(1)), "keepalive interval" },
        { new LibvirtOptions(keepAliveCount: 0), "keepalive count" },
        { new LibvirtOptions(parallelChunks: 0), "parallel chunks" },
        { new LibvirtOptions(parallelChunks: 65), "parallel chunks" },
        { new LibvirtOptions(reconnectBackoffMax: TimeSpan.FromMilliseconds(10)), "reconnect backoff max" },
        { new LibvirtOptions { ReconnectBackoffInitial = TimeSpan.Zero }, "initial reconnect backoff" },
        { new LibvirtOptions { MaxConcurrentCalls = 0 }, "max concurrent calls" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_OutOfRange_NamesTheOptionAndRange(LibvirtOptions options, string option)
    {
        var error = Assert.Single(options.Validate());

        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains("use", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroKeepAlive_DisablesKeepAliveAndIsValid()
    {
        Assert.Empty(new LibvirtOptions(keepAliveInterval: TimeSpan.Zero).Validate());
    }

    [Fact]
    public void ClientConstructor_InvalidOptions_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => new LibvirtClient(new LibvirtOptions(parallelChunks: 0), TimeProvider.System));

        Assert.Contains("parallel chunks 0", e.Message, StringComparison.Ordinal);
    }
}
