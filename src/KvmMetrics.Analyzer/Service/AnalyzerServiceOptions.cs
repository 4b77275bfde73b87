using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Service;

/// <summary>Options of <c>serve</c>, validated at start (a bad value stops the process with a message naming the flag).</summary>
public sealed record AnalyzerServiceOptions
{
    /// <summary><c>--web.listen-address</c>, default <c>:9178</c>.</summary>
    public string ListenAddress { get; init; } = ":9178";

    /// <summary><c>--web.config.file</c>: TLS and basic auth (exporter-toolkit format); null = plain HTTP, no auth.</summary>
    public string? WebConfigFile { get; init; }

    /// <summary><c>--data.dir</c>: state and weekly reports, default <c>./analyzer-data</c>.</summary>
    public string DataDirectory { get; init; } = "analyzer-data";

    /// <summary><c>--interval.hotspots</c>, default 5m (1m to 1h).</summary>
    public TimeSpan HotspotInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>--interval.plan</c> (forecasts, plan, capacity), default 1h (5m to 1d), at least the hotspot interval.</summary>
    public TimeSpan PlanInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>--interval.report</c>, default 7d (1h to 31d).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>--stale-after</c>: data older than this is reported stale, default 15m.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// <c>--hotspots.min-step</c>: the shortest step the hotspot rules evaluate on, default 5m (15s to 1h). The rules use the
    /// data's own spacing but never less than this, so "sustained for 3 steps" is 15 minutes by default; lower it only
    /// when the source delivers finer data (e.g. <c>--prometheus.step 15s</c>) and shorter bursts should count.
    /// </summary>
    public TimeSpan HotspotMinStep { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>--api.token-file</c>: when set, <c>/api/*</c> needs <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? ApiTokenFile { get; init; }

    /// <summary>Reads the options from the command line (source options are read separately).</summary>
    public static AnalyzerServiceOptions Parse(CommandArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new AnalyzerServiceOptions
        {
            ListenAddress = args.String("web.listen-address", ":9178")!,
            WebConfigFile = args.String("web.config.file"),
            DataDirectory = args.String("data.dir", "analyzer-data")!,
            HotspotInterval = args.Duration("interval.hotspots", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
            PlanInterval = args.Duration("interval.plan", TimeSpan.FromHours(1), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)),
            ReportInterval = args.Duration("interval.report", TimeSpan.FromDays(7), TimeSpan.FromMinutes(1), TimeSpan.FromDays(31)),
            StaleAfter = args.Duration("stale-after", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7)),
            ApiTokenFile = args.String("api.token-file"),
            HotspotMinStep = args.Duration("hotspots.min-step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15), TimeSpan.FromHours(1)),
        };
        o.Validate();
        return o;
    }

    /// <summary>Throws <see cref="UsageException"/> naming the option when a value is out of range or inconsistent.</summary>
    public void Validate()
    {
        if (PlanInterval < HotspotInterval)
        {
            throw new UsageException($"--interval.plan ({PlanInterval}) must be at least --interval.hotspots ({HotspotInterval})");
        }

        if (ReportInterval < PlanInterval)
        {
            throw new UsageException($"--interval.report ({ReportInterval}) must be at least --interval.plan ({PlanInterval})");
        }

        if (HotspotMinStep < TimeSpan.FromSeconds(15) || HotspotMinStep > TimeSpan.FromHours(1))
        {
            throw new UsageException($"--hotspots.min-step must be from 15s to 1h, got {HotspotMinStep}");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new UsageException("--data.dir must name a directory");
        }

        if (ApiTokenFile is not null && !File.Exists(ApiTokenFile))
        {
            throw new UsageException($"--api.token-file '{ApiTokenFile}' does not exist (put the token on one line in that file)");
        }

        try
        {
            KvmMetrics.Web.Hosting.ListenAddress.Parse(ListenAddress);
        }
        catch (FormatException e)
        {
            throw new UsageException("--web.listen-address: " + e.Message);
        }
    }
}
