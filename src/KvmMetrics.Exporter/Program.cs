using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Reference;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Web.Configuration;

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

        ExporterApp app;
        try
        {
            app = ExporterApp.Create(parsed.Options!);
        }
        catch (Exception e) when (e is WebConfigException or ArgumentException or FormatException or IOException)
        {
            await Console.Error.WriteLineAsync("kvm-exporter: error: " + e.Message).ConfigureAwait(false);
            return UsageExitCode;
        }

        await using (app.ConfigureAwait(false))
        {
            await app.RunAsync().ConfigureAwait(false);
        }

        return 0;
    }
}
