using System.Text;
using InfluxDB.Client;
using InfluxDB.Client.Core.Exceptions;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Write;
using ClientPrecision = InfluxDB.Client.Api.Domain.WritePrecision;
using OurPrecision = KvmMetrics.Influx.LineProtocol.WritePrecision;

namespace KvmMetrics.Analyzer.WriteBack;

/// <summary>
/// The v2 write transport of the analyzer's write-back through the official InfluxDB.Client (5.1.0):
/// <c>/api/v2/write?org=&amp;bucket=</c> with <c>Authorization: Token</c>, which InfluxDB 2.x, Cloud and
/// victoria-metrics accept. The shared <see cref="InfluxWriter"/> still batches, buffers (on disk with a buffer
/// directory) and retries, so a v2 server that is down loses nothing, as with v1. InfluxDB.Client is not trimming or
/// AOT clean (RestSharp, Newtonsoft.Json: docs/influxdb.md), so the Native AOT exporter keeps the library's own writer.
/// </summary>
public sealed class InfluxClientTransport : IWriteTransport, IDisposable
{
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _write;
    private readonly InfluxWriteOptions _options;
    private readonly ClientPrecision _precision;

    /// <summary>Creates the client for a v2 connection; <paramref name="http"/> is shared (tests route it to their servers).</summary>
    public InfluxClientTransport(InfluxWriteOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        var c = options.Connection;
        if (c.ApiVersion != InfluxApiVersion.V2)
        {
            throw new ArgumentException("InfluxDB.Client talks the v2 API only; v1 uses the library's own transport", nameof(options));
        }

        _options = options;
        _client = new InfluxDBClient(new InfluxDBClientOptions(c.Url.GetLeftPart(UriPartial.Path).TrimEnd('/'))
        {
            Token = c.Token,
            Org = c.Organization,
            Bucket = c.Bucket,
            Timeout = c.Timeout,
            HttpClient = http,
        });
        if (options.Gzip)
        {
            _client.EnableGzip();
        }

        _write = _client.GetWriteApiAsync();
        _precision = options.Precision switch
        {
            OurPrecision.Seconds => ClientPrecision.S,
            OurPrecision.Milliseconds => ClientPrecision.Ms,
            OurPrecision.Microseconds => ClientPrecision.Us,
            _ => ClientPrecision.Ns,
        };
        WriteUri = new Uri(c.Url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/api/v2/write");
    }

    /// <inheritdoc />
    public Uri WriteUri { get; }

    /// <inheritdoc />
    public long BytesSent { get; private set; }

    /// <inheritdoc />
    public async Task<WriteResult> SendAsync(byte[] payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var lines = Encoding.UTF8.GetString(payload).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var target = _options.Connection.ToString();
        try
        {
            await _write.WriteRecordsAsync(lines, _precision, _options.Connection.Bucket, _options.Connection.Organization, ct).ConfigureAwait(false);
            BytesSent += payload.Length;
            return new WriteResult(WriteStatus.Success, null, null, null);
        }
        catch (HttpException e) when (!ct.IsCancellationRequested)
        {
            BytesSent += payload.Length;
            var error = $"HTTP {e.Status} from {target}: {Shorten(e.Message)}";
            TimeSpan? retryAfter = e.RetryAfter is { } s ? TimeSpan.FromSeconds(s) : null;
            return e.Status switch
            {
                400 or 422 => new WriteResult(WriteStatus.BadRequest, error, e.Message, null),
                413 => new WriteResult(WriteStatus.TooLarge, error, e.Message, null),
                429 or 503 => new WriteResult(WriteStatus.Retryable, error, e.Message, retryAfter),
                401 or 403 => new WriteResult(WriteStatus.Retryable, error + " (check the token)", e.Message, null),
                404 => new WriteResult(WriteStatus.Retryable, error + " (check the bucket and organization)", e.Message, null),
                0 or 408 or >= 500 => new WriteResult(WriteStatus.Retryable, error, e.Message, null),
                _ => new WriteResult(WriteStatus.Rejected, error, e.Message, null),
            };
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new WriteResult(WriteStatus.Retryable, $"write to {target} failed: {e.Message}", null, null);
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : text[..300] + "...";

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
