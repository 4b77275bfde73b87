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
        return await RunAsync(args, new CommandContext(Console.Out, Console.Error, TimeProvider.System, Environment.GetEnvironmentVariables()), cts.Token).ConfigureAwait(false);
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

        if (command.Options.Count > 0 && args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            await context.Out.WriteAsync(CommandHelp(command)).ConfigureAwait(false);
            return 0;
        }

        try
        {
            var options = new CommandArgs(args[1..], context.Environment, Commands.SelectMany(c => c.Options).Append(AnalyzerFlags.Influx.Password).Append(AnalyzerFlags.Influx.Token));
            return await command.RunAsync(options, context, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await context.Error.WriteLineAsync($"error: {command.Name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Inputs and outputs are checked before work starts; this is what changed underneath us meanwhile.
            await context.Error.WriteLineAsync($"error: {command.Name}: {e.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
    }

    /// <summary>The <c>COMMAND --help</c> text, generated from the command's option definitions.</summary>
    public static string CommandHelp(ICommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return $"usage: KvmMetrics.Analyzer {command.Name} [options]\n\n{command.Summary}.\n\n" +
            $"Options (also {CommandArgs.EnvironmentPrefix}<OPTION> environment variables and --config.file YAML keys; flag > env > file > default).\n" +
            $"Durations: {KvmMetrics.Options.Duration.Syntax}. Relative paths resolve against the current directory.\n\n" +
            KvmMetrics.Options.OptionDocs.Help(command.Options);
    }

    private static string Usage() =>
        "usage: KvmMetrics.Analyzer COMMAND [options]\n\ncommands:\n" +
        string.Concat(Commands.Select(c => $"  {c.Name,-10} {c.Summary}\n")) +
        "\nRun 'KvmMetrics.Analyzer COMMAND --help' for a command's options.";
}
