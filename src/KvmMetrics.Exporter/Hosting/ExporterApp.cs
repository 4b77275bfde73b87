using System.Globalization;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exporter.Influx;
using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Exposition;
using KvmMetrics.Web.Hosting;
using KvmMetrics.Web.Pages;
using KvmMetrics.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Hosting;

/// <summary>
/// The exporter as a running web application (Kestrel): <c>/metrics</c> (or the configured path), the
/// landing page and <c>/healthz</c>, with TLS and basic auth from the exporter-toolkit web config.
/// Used by <see cref="Program"/> and, in-process, by the integration tests.
/// </summary>
public sealed partial class ExporterApp : IAsyncDisposable
{
    /// <summary>The Prometheus header carrying the scraper's timeout.</summary>
    public const string ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

    private readonly WebApplication _app;
    private readonly ILibvirtClient _client;

    private ExporterApp(WebApplication app, ILibvirtClient client, ScrapeCoordinator coordinator)
    {
        _app = app;
        _client = client;
        Coordinator = coordinator;
    }

    /// <summary>The round coordinator (tests inspect rounds).</summary>
    public ScrapeCoordinator Coordinator { get; }

    /// <summary>The base URL the server listens on (resolved port when 0 was given).</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

    /// <summary>Builds the application. <paramref name="client"/> overrides the real libvirt client (tests).</summary>
    /// <exception cref="WebConfigException">The web config file is invalid.</exception>
    /// <exception cref="ArgumentException">An option is invalid for a component (the message names the flag).</exception>
    public static ExporterApp Create(ExporterOptions options, ILibvirtClient? client = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        var webConfig = options.WebConfigFile is null ? WebConfig.Default : WebConfigLoader.Load(options.WebConfigFile);
        var listen = ListenAddress.Parse(options.ListenAddress);

        var builder = KvmWebHost.CreateBuilder(listen, webConfig, options.LogLevel);

        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("KvmMetrics.Exporter");

        var callStats = new LibvirtCallStats();
        var inner = client ?? new LibvirtClient(options.ToLibvirtOptions(), time, loggerFactory.CreateLogger<LibvirtClient>());
        var libvirt = new InstrumentedLibvirtClient(inner, callStats, time);
        libvirt.ConnectionChanged += (_, e) => LogConnection(logger, e.Connected, e.Reason);
        var directory = new DomainDirectory();
        var source = new DomainStatsSource(libvirt, options, new DomainDescriptionCache(libvirt), directory, time);
        var collectors = CollectorRegistry.Create(options, libvirt, source, directory, time);
        InfluxPushService? influx = null;
        var coordinator = new ScrapeCoordinator(
            collectors,
            [s => callStats.WriteTo(s, libvirt.IsConnected), s => influx?.WriteSelfMetrics(s)],
            options.CollectionInterval,
            time,
            logger);
        var (influxOptions, influxErrors) = InfluxPushOptions.FromSettings(options.Influx);
        if (influxErrors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", influxErrors));
        }

        if (influxOptions is not null)
        {
            // Pushes the same samples /metrics serves (a scrape-equivalent round, coalesced with real scrapes).
            influx = new InfluxPushService(
                influxOptions,
                async ct => (await coordinator.ScrapeAsync(options.ScrapeTimeout, ct).ConfigureAwait(false)).Metrics,
                loggerFactory.CreateLogger<InfluxPushService>(),
                time);
        }

        app.UseKvmWebSecurity(webConfig, new WebSecurityOptions { Realm = "kvm-exporter", TimeProvider = time, Logger = logger });
        var self = new SelfMetricsPublisher(CollectorRegistry.SelfFamilies());
        var endpointOptions = new MetricsEndpointOptions { Logger = logger, WriteFirstAsync = self.WriteAsync };
        app.MapMethods(options.TelemetryPath, ["GET", "HEAD"], context => MetricsEndpoint.HandleAsync(
            context,
            async ct => (await coordinator.ScrapeAsync(Deadline(options, context.Request.Headers[ScrapeTimeoutHeader].ToString()), ct).ConfigureAwait(false)).Metrics,
            endpointOptions));
        app.MapKvmHealthz();
        app.MapKvmLandingPage("KvmMetrics exporter", ExporterSelfMetrics.Version,
            [new LandingLink("Metrics", options.TelemetryPath, "Prometheus text 0.0.4 or OpenMetrics 1.0 by Accept"), new LandingLink("Health", "/healthz")],
            "Per-host Prometheus exporter for libvirt/KVM domains and their cgroups.");

        if (options.CollectionInterval > TimeSpan.Zero)
        {
            var background = new BackgroundCollection(coordinator, options.CollectionInterval, options.ScrapeTimeout, time);
            app.Lifetime.ApplicationStarted.Register(() => _ = background.StartAsync(app.Lifetime.ApplicationStopping));
            app.Lifetime.ApplicationStopping.Register(() => background.StopAsync(CancellationToken.None).GetAwaiter().GetResult());
        }

        if (influx is not null)
        {
            var push = influx;
            app.Lifetime.ApplicationStarted.Register(() => _ = push.StartAsync(app.Lifetime.ApplicationStopping));
            app.Lifetime.ApplicationStopping.Register(() => push.StopAsync(CancellationToken.None).GetAwaiter().GetResult());
        }

        return new ExporterApp(app, libvirt, coordinator);
    }

    /// <summary>
    /// The deadline of one scrape: <c>--scrape.timeout</c>, or Prometheus' timeout header minus
    /// <c>--scrape.timeout-offset</c> when that is smaller (never below 100 ms).
    /// </summary>
    public static TimeSpan Deadline(ExporterOptions options, string? header)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deadline = options.ScrapeTimeout;
        if (double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds > 0)
        {
            var fromHeader = TimeSpan.FromSeconds(Math.Min(seconds, 3600)) - options.ScrapeTimeoutOffset;
            if (fromHeader < deadline)
            {
                deadline = fromHeader;
            }
        }

        return deadline < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : deadline;
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken ct = default) => _app.StartAsync(ct);

    /// <summary>Waits until the host is stopped (SIGTERM, Ctrl+C) after <see cref="StartAsync"/>.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>
    /// Opens the libvirt connection once before the HTTP port opens; returns null on success, otherwise why it failed
    /// (libvirt's message, or that no answer came within <paramref name="timeout"/>).
    /// </summary>
    public async Task<string?> ProbeLibvirtAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _client.GetHostInfoAsync(cts.Token).ConfigureAwait(false);
            return null;
        }
        catch (LibvirtException e)
        {
            return e.Message;
        }
        catch (OperationCanceledException)
        {
            return $"no answer within {timeout.TotalSeconds:0.#} s";
        }
    }

    /// <summary>Runs until the host is stopped (SIGTERM / Ctrl+C).</summary>
    public Task RunAsync() => _app.RunAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _client.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "libvirt connection {Connected}: {Reason}")]
    private static partial void LogConnection(ILogger logger, bool connected, string reason);
}
