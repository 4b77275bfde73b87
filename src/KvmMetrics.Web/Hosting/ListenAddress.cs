using System.Globalization;
using System.Net;

namespace KvmMetrics.Web.Hosting;

/// <summary>Parses the exporter-convention listen address (<c>:9177</c>, <c>127.0.0.1:9177</c>, <c>[::1]:9177</c>, <c>localhost:9177</c>).</summary>
public sealed record ListenAddress(IPAddress? Address, bool Localhost, int Port)
{
    /// <summary>The text form, as it would be given on the command line.</summary>
    public override string ToString() =>
        Localhost ? $"localhost:{Port}" :
        Address is null ? $":{Port}" :
        Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    /// <summary>Parses <paramref name="text"/>; port 0 picks a free port (tests).</summary>
    /// <exception cref="FormatException">The text is not host:port with an IP literal or localhost and a port 0-65535; the message says what is accepted.</exception>
    public static ListenAddress Parse(string? text)
    {
        const string Accepted = "expected ':PORT' (all interfaces), 'IPv4:PORT', '[IPv6]:PORT' or 'localhost:PORT' with PORT 0-65535";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException($"listen address is empty; {Accepted}");
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw new FormatException($"listen address '{text}' has no port; {Accepted}");
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"listen address '{text}': '{portText}' is not a port; {Accepted}");
        }

        if (host.Length == 0)
        {
            return new ListenAddress(null, false, port);
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress(null, true, port);
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? new ListenAddress(v6, false, port)
                : throw new FormatException($"listen address '{text}': '{host}' is not an IPv6 address; {Accepted}");
        }

        return IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Count(c => c == '.') == 3
            ? new ListenAddress(v4, false, port)
            : throw new FormatException($"listen address '{text}': '{host}' is not an IPv4 address, [IPv6] or localhost; {Accepted}");
    }
}
