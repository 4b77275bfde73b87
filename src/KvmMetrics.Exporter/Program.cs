using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Reference;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Hosting;

namespace KvmMetrics.Exporter;

/// <summary>Entry point of the per-host exporter.</summary>
public static class Program
{
    /// <summary>Exit code for invalid options (as flag parsers conventionally use).</summary>
    public const int UsageExitCode = 2;

    /// <summary>Starts the exporter; returns 2 on invalid options with one message per problem on stderr.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.Out.Write(ReferenceDocs.Usage());
            return 0;
        }

        if (args.Contains("--version"))
        {
            Console.Out.WriteLine("kvm-exporter " + ExporterSelfMetrics.Version);
            return 0;
        }

        if (args.Contains("--print-metric-reference"))
        {
            Console.Out.Write(ReferenceDocs.MetricReference());
            return 0;
        }

        if (args.Contains("--print-flags-reference"))
        {
            Console.Out.Write(ReferenceDocs.FlagsReference());
            return 0;
        }

        var parsed = ExporterOptions.Parse(args, Environment.GetEnvironmentVariables());
        if (!parsed.IsValid)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync("kvm-exporter: error: " + error).ConfigureAwait(false);
            }

            return UsageExitCode;
        }

        foreach (var warning in CommandLineSecrets.Warnings(args))
        {
            await Console.Error.WriteLineAsync("kvm-exporter: warning: " + warning).ConfigureAwait(false);
        }

        var options = parsed.Options!;
        if (ListenProbe.Check(ListenAddress.Parse(options.ListenAddress)) is { } busy)
        {
            return await FailAsync(PortError(options.ListenAddress, busy)).ConfigureAwait(false);
        }

        ExporterApp app;
        try
        {
            app = ExporterApp.Create(options);
        }
        catch (WebConfigException e)
        {
            // The message names the file, the field and the problem; the flag that brought the file in leads.
            return await FailAsync("--web.config.file: " + OneLine(e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            return await FailAsync(OneLine(e.Message)).ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            // libvirt is checked once at start so a wrong URI or a missing permission stops the service with the fix;
            // once running, a lost connection is data (kvm_libvirt_up 0) and is retried every scrape.
            if (await app.ProbeLibvirtAsync(options.ScrapeTimeout).ConfigureAwait(false) is { } unreachable)
            {
                return await FailAsync(LibvirtError(options.LibvirtUri, unreachable)).ConfigureAwait(false);
            }

            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return await FailAsync(PortError(options.ListenAddress, "address already in use")).ConfigureAwait(false);
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The one-line message for a listen address that cannot be bound.</summary>
    public static string PortError(string listenAddress, string reason) =>
        $"--web.listen-address={listenAddress}: {reason}; another exporter may hold it (Debian's prometheus-libvirt-exporter " +
        "also defaults to :9177): stop it or pass a free --web.listen-address=[host]:port";

    /// <summary>The one-line message for a libvirt daemon that cannot be reached at start.</summary>
    public static string LibvirtError(string uri, string reason) =>
        $"--libvirt.uri={uri}: cannot connect to libvirt ({OneLine(reason)}); start libvirtd, run as a user allowed on its " +
        "socket (root or group libvirt), or pass the right --libvirt.uri";

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync("kvm-exporter: error: " + message).ConfigureAwait(false);
        return UsageExitCode;
    }
}
