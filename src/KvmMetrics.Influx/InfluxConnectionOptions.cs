using System.Net.Http.Headers;
using System.Text;

namespace KvmMetrics.Influx;

/// <summary>
/// Where and how to reach one InfluxDB server: shared by the writer and the query client.
/// Call <see cref="Validate"/> (or <see cref="ThrowIfInvalid"/>) before use.
/// </summary>
public sealed record InfluxConnectionOptions
{
    /// <summary>Base URL of the server, e.g. <c>http://127.0.0.1:8086</c> (a path prefix is kept).</summary>
    public required Uri Url { get; init; }

    /// <summary>API version; default <see cref="InfluxApiVersion.V1"/>.</summary>
    public InfluxApiVersion ApiVersion { get; init; } = InfluxApiVersion.V1;

    /// <summary>v1: database (<c>db</c>); required for v1.</summary>
    public string? Database { get; init; }

    /// <summary>v1: retention policy (<c>rp</c>); empty means the database default.</summary>
    public string? RetentionPolicy { get; init; }

    /// <summary>v2: organization name or ID (<c>org</c>); required for v2.</summary>
    public string? Organization { get; init; }

    /// <summary>v2: bucket (<c>bucket</c>); required for v2 writes.</summary>
    public string? Bucket { get; init; }

    /// <summary>v1: user name (optional).</summary>
    public string? Username { get; init; }

    /// <summary>v1: password (optional; needs <see cref="Username"/>).</summary>
    public string? Password { get; init; }

    /// <summary>v1: how the credentials are sent; default basic auth.</summary>
    public V1AuthMode V1Auth { get; init; } = V1AuthMode.Basic;

    /// <summary>v2: API token, sent as <c>Authorization: Token ...</c>; required for v2.</summary>
    public string? Token { get; init; }

    /// <summary>Timeout of one HTTP request; default 10 s, 100 ms to 10 min.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem with these options, each naming the option and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate(bool forWrite = true)
    {
        var errors = new List<string>();
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Url '{Url}' must be an absolute http:// or https:// URL such as http://127.0.0.1:8086.");
        }
        else if (!string.IsNullOrEmpty(Url.UserInfo))
        {
            errors.Add("Url must not carry credentials; use Username/Password (v1) or Token (v2).");
        }

        if (ApiVersion == InfluxApiVersion.V1)
        {
            if (forWrite && string.IsNullOrWhiteSpace(Database))
            {
                errors.Add("Database is required for the v1 API (the 'db' parameter).");
            }

            if (!string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(Username))
            {
                errors.Add("Password is set but Username is empty; set both or neither.");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(Organization))
            {
                errors.Add("Organization is required for the v2 API (the 'org' parameter).");
            }

            if (forWrite && string.IsNullOrWhiteSpace(Bucket))
            {
                errors.Add("Bucket is required for v2 writes (the 'bucket' parameter).");
            }

            if (string.IsNullOrWhiteSpace(Token))
            {
                errors.Add("Token is required for the v2 API (sent as 'Authorization: Token ...').");
            }
        }

        if (Timeout < TimeSpan.FromMilliseconds(100) || Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Timeout {Timeout} is out of range; use 100 ms to 10 min.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem found by <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid(bool forWrite = true)
    {
        var errors = Validate(forWrite);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB connection options: " + string.Join(" ", errors));
        }
    }

    /// <summary>The URL with a relative path and query appended to the base URL (keeping a base path prefix).</summary>
    internal Uri Resolve(string relativePath, IEnumerable<KeyValuePair<string, string?>> query)
    {
        var baseText = Url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var sb = new StringBuilder(baseText).Append('/').Append(relativePath.TrimStart('/'));
        var firstParam = true;
        foreach (var (key, value) in query)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            sb.Append(firstParam ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            firstParam = false;
        }

        return new Uri(sb.ToString());
    }

    /// <summary>Adds credentials to a request: basic auth (v1) or the token header (v2).</summary>
    internal void Authorize(HttpRequestMessage request)
    {
        if (ApiVersion == InfluxApiVersion.V2)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", Token);
        }
        else if (V1Auth == V1AuthMode.Basic && !string.IsNullOrEmpty(Username))
        {
            var raw = Encoding.UTF8.GetBytes(Username + ":" + (Password ?? string.Empty));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }
    }

    /// <summary>The u/p query parameters when <see cref="V1AuthMode.QueryParameters"/> is used.</summary>
    internal IEnumerable<KeyValuePair<string, string?>> V1CredentialParameters()
    {
        if (ApiVersion == InfluxApiVersion.V1 && V1Auth == V1AuthMode.QueryParameters && !string.IsNullOrEmpty(Username))
        {
            yield return new("u", Username);
            yield return new("p", Password ?? string.Empty);
        }
    }

    /// <summary>Describes the endpoint for messages (never includes secrets).</summary>
    public override string ToString() => $"{Url.GetLeftPart(UriPartial.Path)} ({ApiVersion})";
}
