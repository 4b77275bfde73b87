namespace KvmMetrics.Analyzer.Sources;

/// <summary>Where the analyzer gets its cluster snapshot and history from.</summary>
public interface IAnalysisSource
{
    /// <summary>A short name for logs and the report header.</summary>
    string Name { get; }

    /// <summary>
    /// Loads the cluster and history up to <paramref name="now"/> (or the newest data when null).
    /// Throws <see cref="Cli.UsageException"/> for bad input, <see cref="SourceUnavailableException"/> when a server cannot be reached.
    /// </summary>
    Task<AnalysisData> LoadAsync(long? now, CancellationToken cancellationToken);
}

/// <summary>The source could not deliver data now (server down, timeout); the caller keeps its last good result.</summary>
public sealed class SourceUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SourceUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SourceUnavailableException() : this("the data source is unavailable")
    {
    }

    /// <summary>Creates the exception.</summary>
    public SourceUnavailableException(string message) : this(message, null)
    {
    }
}
