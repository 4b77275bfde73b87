using System.Threading.RateLimiting;
using KvmMetrics.Web.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvmMetrics.Web.Security;

/// <summary>Options of <see cref="WebSecurityMiddleware"/>.</summary>
public sealed class WebSecurityOptions
{
    /// <summary>The basic-auth realm shown by browsers.</summary>
    public string Realm { get; init; } = "KvmMetrics";

    /// <summary>Paths served without authentication (for example <c>/healthz</c> for kubelet probes). Default: none.</summary>
    public IReadOnlyList<string> UnauthenticatedPaths { get; init; } = [];

    /// <summary>Time source for the credential cache.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where failed logins are logged (user name and remote address, never the password).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}

/// <summary>
/// Applies the web config to every request: configured response headers, the rate limit
/// (429), and basic auth with bcrypt hashes (401 with <c>WWW-Authenticate: Basic realm="..."</c>).
/// </summary>
public sealed partial class WebSecurityMiddleware : IDisposable
{
    private readonly RequestDelegate _next;
    private readonly WebConfig _config;
    private readonly WebSecurityOptions _options;
    private readonly BasicAuthenticator _authenticator;
    private readonly TokenBucketRateLimiter? _limiter;
    private readonly string _challenge;

    /// <summary>Creates the middleware.</summary>
    public WebSecurityMiddleware(RequestDelegate next, WebConfig config, WebSecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _config = config;
        _options = options;
        _authenticator = new BasicAuthenticator(config.BasicAuthUsers, options.TimeProvider);

        // The realm is a quoted-string: quotes and backslashes would break the header.
        _challenge = $"Basic realm=\"{options.Realm.Replace("\\", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal)}\", charset=\"UTF-8\"";
        if (config.RateLimit is { Interval.Ticks: > 0 } rate)
        {
            _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = rate.Interval,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }

    /// <summary>The authenticator in use (self-metrics, tests).</summary>
    public BasicAuthenticator Authenticator => _authenticator;

    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, value) in _config.Http.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (_limiter is not null)
        {
            using var lease = _limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await context.Response.WriteAsync("Too Many Requests\n", context.RequestAborted).ConfigureAwait(false);
                return;
            }
        }

        if (!_authenticator.IsEmpty && !IsUnauthenticatedPath(context.Request.Path))
        {
            if (!_authenticator.VerifyHeader(context.Request.Headers.Authorization.ToString(), out var user))
            {
                LogAuthFailed(_options.Logger, user ?? "(none)", context.Connection.RemoteIpAddress?.ToString() ?? "?");
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = _challenge;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("Unauthorized\n", context.RequestAborted).ConfigureAwait(false);
                return;
            }
        }

        await _next(context).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _limiter?.Dispose();

    private bool IsUnauthenticatedPath(PathString path)
    {
        foreach (var p in _options.UnauthenticatedPaths)
        {
            if (path.Equals(p, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Basic authentication failed for user {User} from {RemoteAddress}")]
    private static partial void LogAuthFailed(ILogger logger, string user, string remoteAddress);
}

/// <summary>Registration helpers.</summary>
public static class WebSecurityApplicationBuilderExtensions
{
    /// <summary>Adds <see cref="WebSecurityMiddleware"/> for <paramref name="config"/> (headers, rate limit, basic auth).</summary>
    public static IApplicationBuilder UseKvmWebSecurity(this IApplicationBuilder app, WebConfig config, WebSecurityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(config);
        return app.UseMiddleware<WebSecurityMiddleware>(config, options ?? new WebSecurityOptions());
    }
}
