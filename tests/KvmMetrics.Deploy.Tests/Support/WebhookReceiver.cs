using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>One webhook notification Alertmanager delivered: the request path and the parsed JSON body.</summary>
public sealed record Notification(string Path, JsonElement Body);

/// <summary>A local Alertmanager webhook receiver (HttpListener on 127.0.0.1:&lt;free port&gt;) that records every POST.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener;
    private readonly List<Notification> _received = [];
    private readonly Task _loop;

    private WebhookReceiver(HttpListener listener, Uri baseAddress)
    {
        _listener = listener;
        BaseAddress = baseAddress;
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<Notification> Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToArray();
            }
        }
    }

    public static WebhookReceiver Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var listener = new HttpListener();
            var address = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(address.ToString());
            try
            {
                listener.Start();
                return new WebhookReceiver(listener, address);
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Waits until a notification satisfies <paramref name="match"/>, or returns null after <paramref name="timeout"/>.</summary>
    public async Task<Notification?> WaitForAsync(Func<Notification, bool> match, TimeSpan timeout)
    {
        var stop = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < stop)
        {
            var hit = Received.FirstOrDefault(match);
            if (hit is not null)
            {
                return hit;
            }

            await Task.Delay(250);
        }

        return null;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.InputStream);
                lock (_received)
                {
                    _received.Add(new Notification(context.Request.Url!.AbsolutePath, doc.RootElement.Clone()));
                }

                context.Response.StatusCode = 200;
            }
            catch (JsonException)
            {
                context.Response.StatusCode = 400;
            }

            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
