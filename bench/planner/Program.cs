using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Bench.Planner;

/// <summary>Entry point of the planner benchmark: <c>PlannerBench --data DIR [options]</c> (see run.sh).</summary>
public static class Program
{
    /// <summary>Runs the benchmark; a bad option is one line on stderr and exit code 2.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await new BenchPlannerCommand().RunAsync(new CommandArgs(args), new CommandContext(Console.Out, Console.Error, TimeProvider.System), cts.Token).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
