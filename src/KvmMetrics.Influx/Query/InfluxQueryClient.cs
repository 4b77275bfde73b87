using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Influx.Query;

/// <summary>Options of one InfluxQL query.</summary>
public sealed record InfluxQlQueryOptions
{
    /// <summary>Database (<c>db</c>); defaults to <see cref="InfluxConnectionOptions.Database"/>.</summary>
    public string? Database { get; init; }

    /// <summary>Unit of returned timestamps (<c>epoch</c>); default seconds. Null returns RFC3339 strings.</summary>
    public WritePrecision? Epoch { get; init; } = WritePrecision.Seconds;

    /// <summary>Force POST (true) or GET (false); null chooses GET for a short SELECT/SHOW without INTO and POST otherwise (as /query requires for writes).</summary>
    public bool? UsePost { get; init; }
}

/// <summary>
/// Reads from InfluxDB: InfluxQL over the v1 <c>/query</c> endpoint (JSON, not chunked) and Flux
/// over <c>/api/v2/query</c> (annotated CSV). Errors become <see cref="InfluxException"/> with the
/// endpoint and the server's message; a timeout says so and names the limit.
/// </summary>
public sealed class InfluxQueryClient : IDisposable
{
    private readonly InfluxConnectionOptions _connection;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates the client; <paramref name="httpClient"/> should have an infinite timeout (the connection's timeout applies per request).</summary>
    /// <exception cref="ArgumentException">The connection options are invalid.</exception>
    public InfluxQueryClient(InfluxConnectionOptions connection, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.ThrowIfInvalid(forWrite: false);
        _connection = connection;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>True when <c>/ping</c> answers 2xx within the timeout.</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _connection.Resolve("ping", []));
            using var response = await SendAsync(request, "ping", ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (InfluxException)
        {
            return false;
        }
    }

    /// <summary>Runs an InfluxQL query (one or more statements separated by ';').</summary>
    /// <exception cref="InfluxException">HTTP error, timeout, or unparsable answer. Statement errors are in the result (see <see cref="InfluxQlResult.EnsureSuccess"/>).</exception>
    public async Task<InfluxQlResult> QueryInfluxQlAsync(string query, InfluxQlQueryOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        options ??= new InfluxQlQueryOptions();
        // Long reads go by POST too: proxies and servers cap URL length (often at 8 KiB).
        var usePost = options.UsePost ?? (!IsReadOnly(query) || query.Length > 4000);
        var parameters = new List<KeyValuePair<string, string?>>
        {
            new("db", options.Database ?? _connection.Database),
            new("epoch", options.Epoch is { } e ? EpochParameter(e) : null),
        };
        parameters.AddRange(_connection.V1CredentialParameters());
        HttpRequestMessage request;
        if (usePost)
        {
            request = new HttpRequestMessage(HttpMethod.Post, _connection.Resolve("query", parameters))
            {
                Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", query)]),
            };
        }
        else
        {
            parameters.Add(new("q", query));
            request = new HttpRequestMessage(HttpMethod.Get, _connection.Resolve("query", parameters));
        }

        using (request)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await SendAsync(request, "InfluxQL query", ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InfluxException($"InfluxQL query to {_connection} failed with HTTP {(int)response.StatusCode}: {ErrorMessage(body)}", response.StatusCode);
            }

            return InfluxQlResult.Parse(body);
        }
    }

    /// <summary>Runs a Flux query against the v2 API and parses the annotated CSV answer.</summary>
    /// <exception cref="InfluxException">HTTP error, timeout, Flux error table, or malformed CSV.</exception>
    public async Task<IReadOnlyList<FluxTable>> QueryFluxAsync(string flux, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flux);
        var uri = _connection.Resolve("api/v2/query", [new("org", _connection.Organization)]);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["query"] = flux,
            ["type"] = "flux",
            ["dialect"] = new Dictionary<string, object>
            {
                ["header"] = true,
                ["delimiter"] = ",",
                ["annotations"] = new[] { "datatype", "group", "default" },
                ["commentPrefix"] = "#",
                ["dateTimeFormat"] = "RFC3339Nano",
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/csv"));
        using var response = await SendAsync(request, "Flux query", ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InfluxException($"Flux query to {_connection} failed with HTTP {(int)response.StatusCode}: {ErrorMessage(text)}", response.StatusCode);
        }

        return FluxCsvParser.Parse(text);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    internal static bool IsReadOnly(string query)
    {
        var q = query.TrimStart();
        var readVerb = q.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || q.StartsWith("SHOW", StringComparison.OrdinalIgnoreCase);
        return readVerb && !q.Contains(" INTO ", StringComparison.OrdinalIgnoreCase) && !q.Contains(';', StringComparison.Ordinal);
    }

    private static string EpochParameter(WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => "ns",
        WritePrecision.Microseconds => "u",
        WritePrecision.Milliseconds => "ms",
        _ => "s",
    };

    private static string ErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in (string[])["error", "message"])
                {
                    if (doc.RootElement.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String)
                    {
                        return e.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return body.Length <= 300 ? body.Trim() : body[..300].Trim() + "...";
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        _connection.Authorize(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_connection.Timeout);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var status = response.StatusCode;
                response.Dispose();
                throw new InfluxException($"{what} to {_connection} was refused with HTTP {(int)status}: check the credentials/token.", status);
            }

            return response;
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new InfluxException($"{what} to {_connection} timed out after {_connection.Timeout.TotalSeconds:0.###} s; raise the timeout or narrow the query.", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new InfluxException($"{what} to {_connection} failed: {e.Message}", e.StatusCode, e);
        }
    }
}
