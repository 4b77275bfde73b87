using KvmMetrics.Influx;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>Options of <see cref="InfluxSource"/> (command-line names in docs/analyzer.md, parsed by <see cref="InfluxCommandLine"/>).</summary>
public sealed record InfluxSourceOptions
{
    /// <summary>Server, API version, database/retention policy (v1) or org/bucket (v2), credentials, per-request timeout.</summary>
    public required InfluxConnectionOptions Connection { get; init; }

    /// <summary>History to fetch before the analysis time, default 35 days.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(35);

    /// <summary>Window of the per-series last value, default 5 minutes.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Windows per series and request (time chunk of a long range), default 10,000.</summary>
    public int MaxPointsPerRequest { get; init; } = 10_000;

    /// <summary>Attempts per request (the first plus retries with exponential backoff).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Backoff before the first retry; doubled for each further one.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Clock for the default analysis time and the backoff.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the data is read from, for messages (never includes secrets).</summary>
    public string Target => Connection.ApiVersion == InfluxApiVersion.V1
        ? $"{Connection.Url.GetLeftPart(UriPartial.Path)} database '{Connection.Database}'" + (string.IsNullOrEmpty(Connection.RetentionPolicy) ? "" : $" retention policy '{Connection.RetentionPolicy}'")
        : $"{Connection.Url.GetLeftPart(UriPartial.Path)} bucket '{Connection.Bucket}' of org '{Connection.Organization}'";

    /// <summary>Every problem, naming the command-line option and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Connection.ApiVersion == InfluxApiVersion.V1 && string.IsNullOrWhiteSpace(Connection.Database))
        {
            errors.Add("--influx.database is required with --influx.api-version v1 (the database the exporter pushes to, default kvm)");
        }

        if (Connection.ApiVersion == InfluxApiVersion.V2 && string.IsNullOrWhiteSpace(Connection.Bucket))
        {
            errors.Add("--influx.bucket is required with --influx.api-version v2 (the bucket the exporter pushes to)");
        }

        if (Step < TimeSpan.FromSeconds(1) || Lookback < Step)
        {
            errors.Add($"--influx.step ({Step}) must be at least 1s and no longer than --influx.lookback ({Lookback})");
        }

        if (MaxPointsPerRequest < 2 || Attempts < 1)
        {
            errors.Add("MaxPointsPerRequest must be at least 2 and Attempts at least 1");
        }

        return errors;
    }
}
