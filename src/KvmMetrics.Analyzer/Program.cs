using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer;

/// <summary>Entry point: <c>kvm-analyzer COMMAND [--options]</c>.</summary>
public static class Program
{
    /// <summary>Every command, in the order the usage text lists them.</summary>
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        // Commands register here, one line each.
        new Commands.ForecastCommand(),
        new Commands.BacktestCommand(),
        new KvmMetrics.Analyzer.Commands.PlanCommand(),
        new KvmMetrics.Analyzer.Commands.CapacityCommand(),
        new KvmMetrics.Analyzer.Commands.ReportCommand(),
        new KvmMetrics.Analyzer.Commands.ServeCommand(),
        new KvmMetrics.Analyzer.Sample.BuildSampleCommand(),
    ];

    /// <summary>Runs the analyzer with the given arguments and returns the exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        return await RunAsync(args, new CommandContext(Console.Out, Console.Error, TimeProvider.System), cts.Token).ConfigureAwait(false);
    }

    /// <summary>Dispatches to a command; testable without a process.</summary>
    public static async Task<int> RunAsync(string[] args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await context.Out.WriteLineAsync(Usage()).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            await context.Error.WriteLineAsync($"error: unknown command '{args[0]}'\n\n{Usage()}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            var options = new CommandArgs(args[1..]);
            return await command.RunAsync(options, context, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await context.Error.WriteLineAsync($"error: {command.Name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
    }

    private static string Usage() =>
        "usage: KvmMetrics.Analyzer COMMAND [options]\n\ncommands:\n" +
        string.Concat(Commands.Select(c => $"  {c.Name,-10} {c.Summary}\n")) +
        "\nRun 'KvmMetrics.Analyzer COMMAND --help' for a command's options.";
}
