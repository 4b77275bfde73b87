using System.Security.Cryptography;
using System.Text;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.State;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Diagnostics;
using KvmMetrics.Web.Hosting;
using KvmMetrics.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace KvmMetrics.Analyzer.Service;

/// <summary>
/// The <c>serve</c> host: Kestrel with the shared web config (TLS, basic auth), the read-only JSON API,
/// an HTML overview, <c>/healthz</c> and <c>/metrics</c>, and the <see cref="AnalysisRunner"/> schedule in the background.
/// </summary>
public sealed partial class AnalyzerApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private AnalyzerApp(WebApplication app, AnalysisRunner runner)
    {
        _app = app;
        Runner = runner;
    }

    /// <summary>The schedule and its results.</summary>
    public AnalysisRunner Runner { get; }

    /// <summary>
    /// Header that carries the API token when <c>Authorization</c> is taken by basic auth (web config users):
    /// <c>X-Api-Token: &lt;token&gt;</c>. Without basic auth, <c>Authorization: Bearer &lt;token&gt;</c> works too.
    /// </summary>
    public const string ApiTokenHeader = "X-Api-Token";

    /// <summary>The base URL the server listens on (resolved port when 0 was given).</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

    /// <summary>Builds the host. <paramref name="runSchedule"/> false leaves the schedule to the caller (tests call <see cref="AnalysisRunner.RunOnceAsync"/>).</summary>
    /// <param name="options">Service options.</param>
    /// <param name="source">The data source.</param>
    /// <param name="time">The clock (default: system).</param>
    /// <param name="runSchedule">Whether the schedule runs in the background.</param>
    /// <param name="logLevel">Minimum log level.</param>
    /// <param name="results">Receives each new result (the InfluxDB write-back), or null.</param>
    public static AnalyzerApp Create(AnalyzerServiceOptions options, IAnalysisSource source, TimeProvider? time = null, bool runSchedule = true, LogLevel logLevel = LogLevel.Information, IAnalysisResultSink? results = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        time ??= TimeProvider.System;
        var webConfig = options.WebConfigFile is null ? WebConfig.Default : WebConfigLoader.Load(options.WebConfigFile);
        var listen = ListenAddress.Parse(options.ListenAddress);
        var token = options.ApiTokenFile is null ? null : File.ReadAllText(options.ApiTokenFile).Trim();
        if (token is { Length: 0 })
        {
            throw new Cli.UsageException($"--api.token-file '{options.ApiTokenFile}' is empty");
        }

        var builder = KvmWebHost.CreateBuilder(listen, webConfig, logLevel);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KvmMetrics.Analyzer");
        var runner = new AnalysisRunner(source, options, new StateStore(options.DataDirectory), time, logger, results);

        app.UseKvmWebSecurity(webConfig, new WebSecurityOptions { Realm = "kvm-analyzer", TimeProvider = time, Logger = logger, UnauthenticatedPaths = ["/healthz"] });
        if (token is not null)
        {
            app.Use(async (context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
                    && !TokenMatches(context.Request.Headers.Authorization.ToString(), token)
                    && !TokenMatches("Bearer " + context.Request.Headers[ApiTokenHeader].ToString(), token))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer realm=\"kvm-analyzer\"";
                    await context.Response.WriteAsync("{\"error\":\"missing or wrong bearer token\"}\n", context.RequestAborted).ConfigureAwait(false);
                    return;
                }

                await next(context).ConfigureAwait(false);
            });
        }

        string[] get = ["GET", "HEAD"];
        var metrics = new PrometheusNetPublisher(() => AnalyzerMetrics.Build(runner.Status, runner.Store.Rebuilt, options.StaleAfter, time.GetUtcNow().ToUnixTimeSeconds(), results?.State, sink => ProcessMetrics.Write(sink), runner.Store.WriteErrors));
        // MapMetrics answers every method; the API is read-only, so the route is narrowed like the others (405 otherwise).
        app.MapMetrics("/metrics", metrics.Registry).WithMetadata(new HttpMethodMetadata(get));
        app.MapKvmHealthz();
        app.MapMethods("/api/v1/hotspots", get, context => Json(context, runner.Status.Hotspots is { } h ? Envelope(runner, time, h) : null));
        app.MapMethods("/api/v1/plan", get, context => Json(context, runner.Status.Plan is { } p
            ? Envelope(runner, time, new { p.Time, p.Plan.HorizonHours, p.Plan.Forecaster, p.Plan.Summary, p.Plan.Moves, p.Plan.HostsBefore, p.Plan.HostsAfter, p.Plan.Issues })
            : null));
        app.MapMethods("/api/v1/capacity", get, context => Json(context, runner.Status.Plan is { } p ? Envelope(runner, time, p.Capacity) : null));
        app.MapMethods("/api/v1/status", get, context => Json(context, Envelope(runner, time, new { runner.Status.Tasks, runner.Status.Warnings, runner.Status.LastReport, WriteBack = results?.State })));
        app.MapMethods("/api/v1/forecasts/{entity}", get, (HttpContext context, string entity) =>
        {
            var forecasts = runner.Status.Plan?.Forecasts ?? [];
            var found = forecasts.Where(f => f.Entity == entity).ToArray();
            if (found.Length == 0)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Json(context, new { error = $"no forecast for '{entity}'", entities = forecasts.Select(f => f.Entity).Distinct().Order(StringComparer.Ordinal) }, notFoundWhenNull: false);
            }

            return Json(context, Envelope(runner, time, found));
        });
        app.MapMethods("/", get, async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await context.Response.WriteAsync(OverviewPage.Render(runner.Status, AnalyzerMetrics.Version, time.GetUtcNow().ToUnixTimeSeconds(), options.StaleAfter), context.RequestAborted).ConfigureAwait(false);
        });

        var result = new AnalyzerApp(app, runner);
        if (runSchedule)
        {
            app.Lifetime.ApplicationStarted.Register(() => result._loop = Task.Run(() => runner.RunAsync(result._stop.Token)));
        }

        return result;
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken ct = default) => _app.StartAsync(ct);

    /// <summary>Runs until SIGTERM / Ctrl+C.</summary>
    public Task RunAsync() => _app.RunAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private static object Envelope<T>(AnalysisRunner runner, TimeProvider time, T data)
    {
        var s = runner.Status;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var stale = !s.SourceUp || s.NewestSample == 0 || now - s.NewestSample > runner.Options.StaleAfter.TotalSeconds;
        return new { stale, sourceUp = s.SourceUp, newestSample = s.NewestSample, insufficientHosts = s.InsufficientHosts, data };
    }

    private static async Task Json(HttpContext context, object? value, bool notFoundWhenNull = true)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        if (value is null && notFoundWhenNull)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("{\"error\":\"no analysis result yet; see /api/v1/status\"}\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsync(AnalysisJson.Serialize(value), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Constant-time comparison of <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static bool TokenMatches(string header, string token)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(token);
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
