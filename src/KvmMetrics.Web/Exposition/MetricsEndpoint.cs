using System.IO.Compression;
using KvmMetrics.Exposition;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvmMetrics.Web.Exposition;

/// <summary>Options of <see cref="MetricsEndpoint"/>.</summary>
public sealed class MetricsEndpointOptions
{
    /// <summary>Compress with gzip when the client accepts it (default true).</summary>
    public bool EnableGzip { get; init; } = true;

    /// <summary>Where collection failures are logged (default: nowhere).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// Writes part of the page by other means before the rest (the exporter's self-metrics through prometheus-net) and
    /// returns the families still to write; it must not write OpenMetrics' <c># EOF</c>, which ends the rest. Default: none.
    /// </summary>
    public Func<MetricSet, ExpositionFormat, Stream, CancellationToken, Task<MetricSet>>? WriteFirstAsync { get; init; }
}

/// <summary>
/// Serves a <see cref="MetricSet"/> over HTTP: negotiated format (<see cref="ExpositionNegotiator"/>),
/// gzip when accepted, <c>Vary: Accept, Accept-Encoding</c>. The page is rendered (and compressed)
/// into a pooled buffer before the status and headers are sent, so a failure becomes a clean
/// 500 (collection or rendering failed) or 503 (collection timed out) with a text message.
/// </summary>
public static partial class MetricsEndpoint
{
    /// <summary>A request delegate for <c>app.MapGet("/metrics", ...)</c>.</summary>
    public static RequestDelegate Create(Func<CancellationToken, Task<MetricSet>> collect, MetricsEndpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(collect);
        var o = options ?? new MetricsEndpointOptions();
        return context => HandleAsync(context, collect, o);
    }

    /// <summary>Handles one scrape.</summary>
    public static async Task HandleAsync(HttpContext context, Func<CancellationToken, Task<MetricSet>> collect, MetricsEndpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(collect);
        var o = options ?? new MetricsEndpointOptions();
        var request = context.Request;
        var response = context.Response;
        var aborted = context.RequestAborted;
        var format = ExpositionNegotiator.Negotiate(request.Headers.Accept.ToString());
        var gzip = o.EnableGzip && AcceptEncoding.AllowsGzip(request.Headers.AcceptEncoding.ToString());

        using var body = new PooledBufferStream();
        try
        {
            var set = await collect(aborted).ConfigureAwait(false);
            if (gzip)
            {
                using var compressor = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);
                await WriteAsync(format, set, compressor, o, aborted).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(format, set, body, o, aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The scraper went away: nobody to answer.
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            LogCollectionFailed(o.Logger, e.GetType().Name, e.Message);
            await WriteErrorAsync(response, StatusCodes.Status503ServiceUnavailable, "Metrics collection did not finish in time: " + e.Message, aborted).ConfigureAwait(false);
            return;
        }
#pragma warning disable CA1031 // Any collector or writer failure must become a 500, never a broken connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogCollectionFailed(o.Logger, e.GetType().Name, e.Message);
            await WriteErrorAsync(response, StatusCodes.Status500InternalServerError, "An error has occurred while serving metrics: " + e.Message, aborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ExpositionNegotiator.ContentType(format);
        response.Headers.Vary = "Accept, Accept-Encoding";
        response.Headers.CacheControl = "no-store";
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        try
        {
            await body.WriteContentToAsync(response.Body, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // Client disconnected mid-body; nothing more to do.
        }
    }

    private static async Task WriteAsync(ExpositionFormat format, MetricSet set, Stream output, MetricsEndpointOptions options, CancellationToken cancellationToken)
    {
        if (options.WriteFirstAsync is { } first)
        {
            set = await first(set, format, output, cancellationToken).ConfigureAwait(false);
        }

        ExpositionNegotiator.Write(format, set, output);
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await response.WriteAsync(message + "\n", cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Serving metrics failed: {ExceptionType}: {Reason}")]
    private static partial void LogCollectionFailed(ILogger logger, string exceptionType, string reason);
}
