using System.Net;
using System.Net.Sockets;
using KvmMetrics.Web.Hosting;

namespace KvmMetrics.Web.Tests.Hosting;

public sealed class ListenProbeTests
{
    [Fact]
    public void Check_PortHeldByAnotherListener_SaysAddressAlreadyInUse()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        Assert.Equal("address already in use", ListenProbe.Check(ListenAddress.Parse($"127.0.0.1:{port}")));
        Assert.Equal("address already in use", ListenProbe.Check(ListenAddress.Parse($"localhost:{port}")));
    }

    [Fact]
    public void Check_FreedPort_IsNullAndLeavesThePortFree()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Assert.Null(ListenProbe.Check(ListenAddress.Parse($"127.0.0.1:{port}")));
        using var after = new TcpListener(IPAddress.Loopback, port); // the probe released its socket
        after.Start();
    }

    [Fact]
    public void Check_PortZero_IsNull() => Assert.Null(ListenProbe.Check(ListenAddress.Parse(":0")));
}
