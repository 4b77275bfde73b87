using KvmMetrics.Exposition;
using KvmMetrics.Web.Exposition;
using KvmMetrics.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KvmMetrics.Web.Hosting;

/// <summary>Maps the endpoints both hosts share: <c>/metrics</c>, <c>/healthz</c> and the landing page.</summary>
public static class EndpointExtensions
{
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps the metrics endpoint (GET and HEAD) at <paramref name="path"/>.</summary>
    public static IEndpointConventionBuilder MapKvmMetrics(
        this IEndpointRouteBuilder endpoints, string path, Func<CancellationToken, Task<MetricSet>> collect, MetricsEndpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapMethods(path, GetAndHead, MetricsEndpoint.Create(collect, options));
    }

    /// <summary>Maps <c>/healthz</c>: 200 "ok" while <paramref name="healthy"/> (default: always) returns true, 503 otherwise.</summary>
    public static IEndpointConventionBuilder MapKvmHealthz(this IEndpointRouteBuilder endpoints, Func<bool>? healthy = null, string path = "/healthz")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapMethods(path, GetAndHead, async context =>
        {
            var ok = healthy?.Invoke() ?? true;
            context.Response.StatusCode = ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(ok ? "ok\n" : "unhealthy\n", context.RequestAborted).ConfigureAwait(false);
        });
    }

    /// <summary>Maps the HTML landing page at <c>/</c>.</summary>
    public static IEndpointConventionBuilder MapKvmLandingPage(
        this IEndpointRouteBuilder endpoints, string title, string version, IReadOnlyList<LandingLink> links, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var html = LandingPage.Render(title, version, links, description);
        return endpoints.MapMethods("/", GetAndHead, async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await context.Response.WriteAsync(html, context.RequestAborted).ConfigureAwait(false);
        });
    }
}
