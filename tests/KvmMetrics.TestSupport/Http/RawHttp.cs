using System.Net.Sockets;
using System.Text;

namespace KvmMetrics.TestSupport.Http;

/// <summary>
/// Sends one HTTP/1.1 request byte for byte over a plain socket, so hostile request targets reach the server as
/// written (HttpClient would normalise <c>/../</c> and reject bad headers before sending).
/// </summary>
public static class RawHttp
{
    /// <summary>A parsed response: status code (0 when the server closed without one), headers, body.</summary>
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>Sends <c>METHOD target HTTP/1.1</c> with <paramref name="headers"/> (Host and Connection: close are added).</summary>
    public static async Task<Response> SendAsync(Uri server, string method, string target, IEnumerable<(string Name, string Value)>? headers = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var request = new StringBuilder();
        request.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: ").Append(server.Authority).Append("\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("\r\n");
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cts.Token).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), cts.Token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, cts.Token).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The server may reset after answering a request it refused (e.g. 431): keep what arrived.
        }

        return Parse(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static Response Parse(string raw)
    {
        var headerEnd = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? raw : raw[..headerEnd];
        var body = headerEnd < 0 ? string.Empty : raw[(headerEnd + 4)..];
        var lines = head.Split("\r\n");
        var status = 0;
        if (lines.Length > 0 && lines[0].StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && lines[0].Length >= 12)
        {
            _ = int.TryParse(lines[0].AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out status);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Response(status, headers, body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < body.Length)
        {
            var eol = body.IndexOf("\r\n", i, StringComparison.Ordinal);
            if (eol < 0 || !int.TryParse(body.AsSpan(i, eol - i).ToString().Split(';')[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            var start = eol + 2;
            // Sizes count bytes; the text is UTF-8, so re-encode to cut exactly.
            var bytes = Encoding.UTF8.GetBytes(body[start..]);
            var chunk = Encoding.UTF8.GetString(bytes, 0, Math.Min(size, bytes.Length));
            result.Append(chunk);
            i = start + chunk.Length + 2;
        }

        return result.ToString();
    }
}
