using System.Diagnostics;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Cli;

/// <summary>
/// The real analyzer binary, run from a fresh working directory: every command rejects a bad output, a missing input
/// and a bad option with one line naming the flag, exit code 2, before any work (nothing is written), and never a
/// stack trace; relative paths land under the caller's working directory.
/// </summary>
public sealed class CommandErrorsTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("kvm-cli-").FullName;

    public CommandErrorsTests()
    {
        Directory.CreateDirectory(Path.Combine(_cwd, "in"));
        BundledSample.WriteFiles(Path.Combine(_cwd, "in"));
        // Two days of one hourly series: enough to forecast, small enough to run in a moment.
        File.WriteAllLines(Path.Combine(_cwd, "in", "small.csv"),
            ["timestamp,entity,metric,value", .. Enumerable.Range(0, 48).Select(h => $"{1_700_000_000 + (h * 3600)},vm1,cpu_cores,{1 + (h % 24 / 10.0)}")]);
        File.WriteAllText(Path.Combine(_cwd, "a-file"), "not a directory");
    }

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    // Each command with valid arguments except {OUT}, which the cases replace.
    public static TheoryData<string, string> Commands => new()
    {
        { "forecast", "--history in/history.csv.gz --output {OUT}" },
        { "plan", "--cluster in/cluster.json --history in/history.csv.gz --output {OUT}" },
        { "capacity", "--cluster in/cluster.json --history in/history.csv.gz --output {OUT}" },
        { "report", "--pdf off --output {OUT}" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void OutputUnderAFile_IsOneLineNamingOutput_Exit2(string command, string args)
    {
        var r = Run(command, args.Replace("{OUT}", "a-file/sub/out", StringComparison.Ordinal));
        AssertUsageError(r, "--output", "is a file, not a directory");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void OutputInAnUnwritablePlace_IsOneLineNamingOutput_Exit2(string command, string args)
    {
        var r = Run(command, args.Replace("{OUT}", "/proc/kvm-out/x", StringComparison.Ordinal));
        AssertUsageError(r, "--output", "is not writable");
    }

    [Fact]
    public void ReportOutputThatIsAFile_IsRejected()
    {
        AssertUsageError(Run("report", "--pdf off --output a-file"), "--output: 'a-file' exists and is not a directory", "give a directory");
    }

    [Theory]
    [InlineData("forecast", "--output out.csv")]
    [InlineData("backtest", "")]
    [InlineData("plan", "--cluster in/cluster.json --output out.json")]
    [InlineData("capacity", "--cluster in/cluster.json --output out.json")]
    public void MissingRequiredHistory_NamesTheFlag(string command, string args)
    {
        AssertUsageError(Run(command, args), "--history is required", "give a readable file");
    }

    [Theory]
    [InlineData("forecast", "--history in/nope.csv --output out.csv")]
    [InlineData("backtest", "--history in/nope.csv")]
    [InlineData("plan", "--cluster in/cluster.json --history in/nope.csv --output out.json")]
    [InlineData("capacity", "--cluster in/cluster.json --history in/nope.csv --output out.json")]
    [InlineData("report", "--cluster in/cluster.json --history in/nope.csv --output out --pdf off")]
    [InlineData("serve", "--cluster in/cluster.json --history in/nope.csv --web.listen-address 127.0.0.1:0")]
    public void MissingInputFile_NamesFlagAndFullPath(string command, string args)
    {
        AssertUsageError(Run(command, args), "--history: 'in/nope.csv' does not exist (" + Path.Combine(_cwd, "in", "nope.csv") + ")", "check the path");
    }

    [Theory]
    [InlineData("forecast", "--history in/history.csv.gz --step 300")]
    [InlineData("backtest", "--history in/history.csv.gz --origins 0")]
    [InlineData("plan", "--cluster in/cluster.json --history in/history.csv.gz --output out.json --state")]
    [InlineData("capacity", "--cluster in/cluster.json --history in/history.csv.gz --output out.json --horizon 1d")]
    [InlineData("report", "--output out --pdf maybe")]
    [InlineData("serve", "--interval.plan 1x")]
    public void BadOption_IsOneLineAndExit2(string command, string args)
    {
        AssertUsageError(Run(command, args), "error: " + command + ": ", "--");
    }

    [Fact]
    public void BadEnvironmentValue_NamesTheVariable()
    {
        var r = Run("backtest", "--history in/history.csv.gz", new() { ["KVM_ANALYZER_ORIGINS"] = "many" });
        AssertUsageError(r, "environment KVM_ANALYZER_ORIGINS: 'many' is not an integer", "accepted: an integer 1..10000");
    }

    [Fact]
    public void ConfigFile_SetsOptions_AndAFlagOverridesIt()
    {
        var config = Path.Combine(_cwd, "in", "analyzer.yml");
        File.WriteAllText(config, "history: in/small.csv\nhorizon: 5x\n");
        AssertUsageError(Run("forecast", "--config.file in/analyzer.yml"), $"config file {config} key horizon: '5x' is not a duration", "accepted: a duration");
        var r = Run("forecast", "--config.file in/analyzer.yml --horizon 2h --output rel/f.csv");
        Assert.True(r.Code == 0, r.Err);
        var rows = File.ReadAllLines(Path.Combine(_cwd, "rel", "f.csv"));
        Assert.Equal(3, rows.Length); // header + 2 hourly steps: the flag's 2h, not the file's value
        Assert.StartsWith("vm1,cpu_cores,", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeOutput_ResolvesAgainstTheCallersWorkingDirectory()
    {
        var r = Run("report", "--pdf off --output out/report");
        Assert.True(r.Code == 0, r.Err);
        Assert.True(File.Exists(Path.Combine(_cwd, "out", "report", "capacity-report.html")), r.Out + r.Err);
    }

    [Theory]
    [InlineData("forecast")]
    [InlineData("backtest")]
    [InlineData("plan")]
    [InlineData("capacity")]
    [InlineData("report")]
    [InlineData("serve")]
    public void Help_ListsEveryDeclaredOption(string command)
    {
        var r = Run(command, "--help");
        Assert.Equal(0, r.Code);
        var declared = Program.Commands.Single(c => c.Name == command).Options;
        Assert.NotEmpty(declared);
        Assert.All(declared, o => Assert.Contains("  " + o.Flag + "=", r.Out, StringComparison.Ordinal));
    }

    private void AssertUsageError((int Code, string Out, string Err) r, string expected, string fix)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "not one line: " + r.Err);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.Contains(fix, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.Equal(["a-file", "in"], Directory.EnumerateFileSystemEntries(_cwd).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToArray());
    }

    private (int Code, string Out, string Err) Run(string command, string args, Dictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(RepoPaths.BuiltExecutable("KvmMetrics.Analyzer"))
        {
            WorkingDirectory = _cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(command);
        foreach (var a in args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("KVM_ANALYZER_", StringComparison.Ordinal)).ToArray())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in environment ?? [])
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "analyzer did not exit");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
