using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Write;

/// <summary>How one write request ended, which decides what <see cref="InfluxWriter"/> does with the batch.</summary>
public enum WriteStatus
{
    /// <summary>The server took every line (HTTP 2xx).</summary>
    Success,

    /// <summary>The server refused some lines (HTTP 400/422); the body says which, and the rest is retried without them.</summary>
    BadRequest,

    /// <summary>The batch is too large (HTTP 413); it is split and sent in halves.</summary>
    TooLarge,

    /// <summary>A transient failure (connection, timeout, 5xx, 429, 401/403/404); the batch stays buffered and is retried with backoff.</summary>
    Retryable,

    /// <summary>Any other answer: the batch is dropped as rejected.</summary>
    Rejected,
}

/// <summary>The outcome of one write request: the status, a message for logs, the server's body and its Retry-After.</summary>
public readonly record struct WriteResult(WriteStatus Status, string? Error, string? Body, TimeSpan? RetryAfter);

/// <summary>
/// Sends one batch of line protocol and classifies the answer. <see cref="InfluxWriter"/> keeps batching, the buffer
/// (memory or disk) and retries; the transport only talks to the server, so the no-loss buffer is the same for every
/// transport. The default is this library's own HTTP request (v1 and v2, trimming- and AOT-clean).
/// </summary>
public interface IWriteTransport
{
    /// <summary>The URL batches go to, for messages (no credentials).</summary>
    Uri WriteUri { get; }

    /// <summary>Bytes sent so far (after compression).</summary>
    long BytesSent { get; }

    /// <summary>Sends newline-separated line protocol; never throws for a server or network failure.</summary>
    Task<WriteResult> SendAsync(byte[] payload, CancellationToken ct);
}

/// <summary>Builds and sends one line-protocol write request (v1 or v2) and classifies the answer.</summary>
internal sealed class WriteTransport(InfluxWriteOptions options, HttpClient http, TimeProvider time) : IWriteTransport
{
    private static readonly MediaTypeHeaderValue TextPlain = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");

    public Uri WriteUri { get; } = BuildUri(options);

    public long BytesSent { get; private set; }

    public static Uri BuildUri(InfluxWriteOptions options)
    {
        var c = options.Connection;
        return c.ApiVersion == InfluxApiVersion.V1
            ? c.Resolve("write", [new("db", c.Database), new("rp", c.RetentionPolicy), new("precision", options.Precision.ToV1Parameter()), .. c.V1CredentialParameters()])
            : c.Resolve("api/v2/write", [new("org", c.Organization), new("bucket", c.Bucket), new("precision", options.Precision.ToV2Parameter())]);
    }

    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream(payload.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    public async Task<WriteResult> SendAsync(byte[] payload, CancellationToken ct)
    {
        var body = options.Gzip ? Gzip(payload) : payload;
        using var request = new HttpRequestMessage(HttpMethod.Post, WriteUri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = TextPlain;
        if (options.Gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        options.Connection.Authorize(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Connection.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            BytesSent += body.Length;
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new(WriteStatus.Success, null, null, null);
            }

            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var error = $"HTTP {status} from {options.Connection}: {Shorten(text)}";
            return status switch
            {
                400 or 422 => new(WriteStatus.BadRequest, error, text, null),
                413 => new(WriteStatus.TooLarge, error, text, null),
                429 or 503 => new(WriteStatus.Retryable, error, text, RetryAfter(response)),
                401 or 403 => new(WriteStatus.Retryable, error + " (check the credentials/token)", text, null),
                404 => new(WriteStatus.Retryable, error + " (check the database/bucket and organization)", text, null),
                >= 500 or 408 => new(WriteStatus.Retryable, error, text, null),
                _ => new(WriteStatus.Rejected, error, text, null),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(WriteStatus.Retryable, $"write to {options.Connection} timed out after {options.Connection.Timeout.TotalSeconds:0.###} s", null, null);
        }
        catch (HttpRequestException e)
        {
            return new(WriteStatus.Retryable, $"write to {options.Connection} failed: {e.Message}", null, null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    internal static string Shorten(string text)
    {
        text = text.Trim();
        return text.Length <= 300 ? text : text[..300] + "...";
    }
}

/// <summary>Exponential backoff with jitter: half the delay fixed, half random ("equal jitter").</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _failures;

    public void Reset() => _failures = 0;

    public TimeSpan Next()
    {
        _failures = Math.Min(_failures + 1, 30);
        var full = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, _failures - 1));
        return TimeSpan.FromMilliseconds(full / 2 + random.NextDouble() * full / 2);
    }
}
