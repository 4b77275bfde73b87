using System.Collections.Specialized;
using System.Net;

namespace KvmMetrics.TestSupport.Influx;

/// <summary>A request as received on the wire by <see cref="RecordingHttpServer"/>.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Absolute path.</param>
/// <param name="Query">Decoded query parameters.</param>
/// <param name="Headers">Request headers.</param>
/// <param name="Body">Raw body bytes (still compressed if the client compressed them).</param>
public sealed record ReceivedRequest(string Method, string Path, NameValueCollection Query, NameValueCollection Headers, byte[] Body);

/// <summary>The answer a <see cref="RecordingHttpServer"/> gives.</summary>
/// <param name="Status">Status code.</param>
/// <param name="Body">Body text (may be empty).</param>
/// <param name="ContentType">Content type of the body.</param>
/// <param name="Delay">Wait this long before answering (to test client timeouts).</param>
public sealed record ScriptedResponse(int Status, string Body = "", string ContentType = "application/json", TimeSpan Delay = default);

/// <summary>
/// A real HTTP listener on 127.0.0.1 and a free port that records every request and answers from a
/// script: for contract tests of clients (method, path, query, headers, body as sent on the wire).
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<ReceivedRequest, ScriptedResponse> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;

    /// <summary>Starts listening; <paramref name="respond"/> decides each answer.</summary>
    public RecordingHttpServer(Func<ReceivedRequest, ScriptedResponse> respond)
    {
        _respond = respond;
        for (var attempt = 0; ; attempt++)
        {
            Port = InfluxdServer.FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between probing and binding; try another.
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The base URL.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>Requests received so far.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
        var request = new ReceivedRequest(
            context.Request.HttpMethod,
            context.Request.Url!.AbsolutePath,
            System.Web.HttpUtility.ParseQueryString(context.Request.Url.Query),
            new NameValueCollection(context.Request.Headers),
            body.ToArray());
        lock (_gate)
        {
            _requests.Add(request);
        }

        var response = _respond(request);
        try
        {
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, _stop.Token).ConfigureAwait(false);
            }

            context.Response.StatusCode = response.Status;
            var bytes = System.Text.Encoding.UTF8.GetBytes(response.Body);
            if (bytes.Length > 0)
            {
                context.Response.ContentType = response.ContentType;
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            }

            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // The client gave up (timeout test) or the server is stopping.
        }
    }
}
