using System.IO.Compression;
using System.Net;
using System.Text;

namespace KvmMetrics.Influx.Tests.Write;

/// <summary>One request as the server saw it (body gunzipped when it was gzip-encoded).</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string Body, string? ContentEncoding, string? Authorization);

/// <summary>An HTTP handler that answers from a script and records every request.</summary>
internal sealed class ScriptedHandler(Func<RecordedRequest, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static HttpResponseMessage Status(HttpStatusCode code, string? body = null) =>
        new(code) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var encoding = request.Content?.Headers.ContentEncoding.FirstOrDefault();
        if (encoding == "gzip")
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gz.CopyToAsync(plain, cancellationToken);
            bytes = plain.ToArray();
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, Encoding.UTF8.GetString(bytes), encoding, request.Headers.Authorization?.ToString());
        int index;
        lock (_gate)
        {
            _requests.Add(recorded);
            index = _requests.Count - 1;
        }

        return respond(recorded, index);
    }
}
