namespace KvmMetrics.Analyzer.Cli;

/// <summary>One sub-command of the analyzer binary (<c>forecast</c>, <c>backtest</c>, <c>plan</c>, ...).</summary>
public interface ICommand
{
    /// <summary>The word that selects the command.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Every option the command reads, for <c>--help</c>, docs/analyzer.md and the environment/file typo check;
    /// empty for a command that prints its own help.</summary>
    IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options => [];

    /// <summary>Runs the command. Throws <see cref="UsageException"/> for bad input; returns the exit code.</summary>
    Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken);
}

/// <summary>What a command may touch besides its arguments: the console streams, the clock and the environment (null: none).</summary>
public sealed record CommandContext(TextWriter Out, TextWriter Error, TimeProvider Time, System.Collections.IDictionary? Environment = null);
