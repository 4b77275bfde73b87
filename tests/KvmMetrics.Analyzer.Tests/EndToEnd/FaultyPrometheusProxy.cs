using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.EndToEnd;

/// <summary>What <see cref="FaultyPrometheusProxy"/> does to the answers of the real Prometheus behind it.</summary>
public enum PrometheusFault
{
    /// <summary>Passes answers through unchanged.</summary>
    None,

    /// <summary>Holds every answer for <see cref="FaultyPrometheusProxy.Delay"/> (a Prometheus stuck on a heavy query).</summary>
    Slow,

    /// <summary>Answers 200 with a body that is not JSON (a login page or a truncated answer from a gateway).</summary>
    InvalidJson,

    /// <summary>Answers HTTP 500 with Prometheus' error envelope.</summary>
    Http500,

    /// <summary>
    /// Drops host <see cref="FaultyPrometheusProxy.DroppedHost"/>'s series from range answers and adds a <c>warnings</c>
    /// entry, as Thanos or Mimir do when a store is down (a partial response with status success).
    /// </summary>
    PartialRange,
}

/// <summary>An HTTP proxy on 127.0.0.1:&lt;free port&gt; in front of a real Prometheus that injects one <see cref="PrometheusFault"/>.</summary>
public sealed class FaultyPrometheusProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private FaultyPrometheusProxy(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    /// <summary>The fault applied to the next requests.</summary>
    public PrometheusFault Fault { get; set; }

    /// <summary>How long <see cref="PrometheusFault.Slow"/> holds an answer.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The host label value whose series <see cref="PrometheusFault.PartialRange"/> drops.</summary>
    public string DroppedHost { get; set; } = "b";

    /// <summary>The label naming the host.</summary>
    public string HostLabel { get; set; } = FleetFixture.HostLabel;

    /// <summary>The proxy's base URL.</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    /// <summary>Starts the proxy in front of <paramref name="upstream"/>.</summary>
    public static async Task<FaultyPrometheusProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var client = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromSeconds(60) };
        var proxy = new FaultyPrometheusProxy(app, client);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var fault = Fault;
        var ct = context.RequestAborted;
        switch (fault)
        {
            case PrometheusFault.Slow:
                await Task.Delay(Delay, ct);
                break;
            case PrometheusFault.InvalidJson:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>502 upstream gone</body>", ct);
                return;
            case PrometheusFault.Http500:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"injected failure\"}", ct);
                return;
        }

        var path = context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString.Value;
        using var response = await _upstream.GetAsync(new Uri(path, UriKind.Relative), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (fault == PrometheusFault.PartialRange && response.IsSuccessStatusCode && context.Request.Path.Value!.EndsWith("/query_range", StringComparison.Ordinal))
        {
            body = DropHost(body);
        }

        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        await context.Response.WriteAsync(body, ct);
    }

    private string DropHost(string body)
    {
        var root = JsonNode.Parse(body)!.AsObject();
        var result = root["data"]!["result"]!.AsArray();
        foreach (var series in result.Where(s => s!["metric"]?[HostLabel]?.GetValue<string>() == DroppedHost).ToArray())
        {
            result.Remove(series);
        }

        root["warnings"] = new JsonArray($"partial response: store for {HostLabel}=\"{DroppedHost}\" unavailable (injected)");
        return root.ToJsonString();
    }
}
