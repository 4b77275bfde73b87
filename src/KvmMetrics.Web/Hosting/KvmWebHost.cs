using KvmMetrics.Web.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Web.Hosting;

/// <summary>The web host both services start from: slim builder, one-line UTC console logs, Kestrel from the web config.</summary>
public static class KvmWebHost
{
    /// <summary>A builder listening on <paramref name="listen"/> with the TLS/auth of <paramref name="webConfig"/>, logging at <paramref name="level"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(ListenAddress listen, WebConfig webConfig, LogLevel level)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c =>
        {
            c.SingleLine = true;
            c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            c.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(level);

        // Kestrel's per-request info lines would drown the services' own logs; warnings still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => KestrelConfigurator.Configure(k, listen, webConfig));
        return builder;
    }
}
