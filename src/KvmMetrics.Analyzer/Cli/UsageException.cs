namespace KvmMetrics.Analyzer.Cli;

/// <summary>Bad command-line input: the message names the option and what is accepted. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
