using System.Net;
using System.Net.Sockets;

namespace KvmMetrics.Web.Hosting;

/// <summary>
/// Checks before the host starts that a <see cref="ListenAddress"/> can be bound, so a busy port becomes one clear
/// line instead of Kestrel's start-up exception.
/// </summary>
public static class ListenProbe
{
    /// <summary>
    /// Binds and releases the sockets Kestrel would bind for <paramref name="listen"/>; returns null when they are free,
    /// otherwise the socket error in words (<c>address already in use</c>, <c>permission denied</c>, ...).
    /// </summary>
    public static string? Check(ListenAddress listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (listen.Port == 0)
        {
            return null; // the kernel picks a free port
        }

        IEnumerable<IPAddress> addresses = listen.Localhost ? [IPAddress.Loopback]
            : listen.Address is null ? [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any]
            : [listen.Address];
        foreach (var address in addresses)
        {
            try
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true; // as Kestrel's ListenAnyIP: one socket for IPv4 and IPv6
                }

                // Kestrel sets SO_REUSEADDR on Linux too, so a port with connections in TIME_WAIT is not reported busy.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, listen.Port));
                socket.Listen(1);
            }
            catch (SocketException e)
            {
                return e.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => "address already in use",
                    SocketError.AccessDenied => "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
                    SocketError.AddressNotAvailable => "address not available on this host",
                    _ => e.Message,
                };
            }
        }

        return null;
    }
}
