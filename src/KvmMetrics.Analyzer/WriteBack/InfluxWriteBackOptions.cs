using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Sources.Influx;
using KvmMetrics.Influx;
using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Analyzer.WriteBack;

/// <summary>
/// The <c>--influx.write*</c> options: <c>--influx.write</c> turns the write-back on, to the server of the
/// <c>--influx.*</c> connection options; <c>--influx.write.database</c>/<c>--influx.write.retention-policy</c> (v1)
/// or <c>--influx.write.bucket</c> (v2) send the results elsewhere than the exporter's data;
/// <c>--influx.write.buffer-dir</c> keeps unsent results on disk across restarts.
/// </summary>
public static class InfluxWriteBackOptions
{
    private static readonly KvmMetrics.Options.Option<string?>[] TargetOptions =
        [AnalyzerFlags.WriteBack.Database, AnalyzerFlags.WriteBack.RetentionPolicy, AnalyzerFlags.WriteBack.Bucket, AnalyzerFlags.WriteBack.BufferDirectory];

    /// <summary>Reads the options; null when <c>--influx.write</c> is absent.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Environment lookup for secrets.</param>
    /// <param name="defaultBufferDirectory">Buffer directory when none is given (serve: under --data.dir); null keeps it in memory.</param>
    /// <exception cref="UsageException">An option is inconsistent or invalid; the message names it.</exception>
    public static InfluxWriteOptions? Parse(CommandArgs args, Func<string, string?> environment, string? defaultBufferDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        var enabled = args.Get(AnalyzerFlags.WriteBack.Enabled);
        var values = TargetOptions.ToDictionary(o => o.Name, o => args.Get(o), StringComparer.Ordinal);
        if (!enabled)
        {
            var stray = values.Where(v => v.Value is not null).Select(v => "--" + v.Key).ToArray();
            return stray.Length == 0 ? null : throw new UsageException($"{string.Join(", ", stray)} only apply with --influx.write");
        }

        var connection = InfluxCommandLine.Connection(args, environment)
            ?? throw new UsageException("--influx.write needs --influx.url (and --influx.database, or --influx.api-version v2 with --influx.org/--influx.bucket)");
        connection = connection with
        {
            Database = values["influx.write.database"] ?? connection.Database,
            RetentionPolicy = values["influx.write.retention-policy"] ?? connection.RetentionPolicy,
            Bucket = values["influx.write.bucket"] ?? connection.Bucket,
        };
        if (connection.ApiVersion == InfluxApiVersion.V2 && string.IsNullOrWhiteSpace(connection.Bucket))
        {
            throw new UsageException("--influx.write with --influx.api-version v2 needs --influx.write.bucket or --influx.bucket");
        }

        var options = new InfluxWriteOptions
        {
            Connection = connection,
            Precision = WritePrecision.Seconds,
            BufferDirectory = values["influx.write.buffer-dir"] ?? defaultBufferDirectory,
            BufferMaxBytes = 16L * 1024 * 1024,
        };
        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new UsageException("--influx.write: " + string.Join(" ", errors));
    }
}
