using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Sample;

/// <summary>
/// <c>build-sample --traces DIR [--output DIR]</c>: regenerates the bundled sample cluster from the
/// Bitbrains traces (see docs/report.md and scripts/build-sample.sh).
/// </summary>
public sealed class BuildSampleCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "build-sample";

    /// <inheritdoc />
    public string Summary => "rebuild the bundled sample cluster from the Bitbrains traces (maintainers)";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Flag("help"))
        {
            await context.Out.WriteLineAsync("usage: build-sample --traces ../shared/data/bitbrains-rnd [--output src/KvmMetrics.Analyzer/Sample/Data]").ConfigureAwait(false);
            return 0;
        }

        var traces = args.Required("traces", "the directory of Bitbrains Rnd 2013-<month>-<id>.csv.gz files");
        var output = args.String("output", Path.Combine("src", "KvmMetrics.Analyzer", "Sample", "Data"))!;
        args.EnsureAllUsed();
        var summary = SampleBuilder.Build(traces, output, context.Error);
        await context.Out.WriteLineAsync($"{summary}\nwrote {Path.Combine(output, SampleBuilder.ClusterFile)} and {Path.Combine(output, SampleBuilder.HistoryFile)}").ConfigureAwait(false);
        return 0;
    }
}
