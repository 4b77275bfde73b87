using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Tests.Report;

/// <summary>Shares one <see cref="SampleReportFixture"/> among the report test classes.</summary>
[CollectionDefinition(Name)]
public sealed class SampleReportCollection : ICollectionFixture<SampleReportFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "sample-report";
}

/// <summary>Runs <c>report</c> once on the bundled sample (PDF off) and shares the output among the report tests.</summary>
public sealed class SampleReportFixture : IDisposable
{
    /// <summary>2026-09-07 12:00 UTC: half a day before the end of the sample, so --now must cut the data.</summary>
    public const long Now = 1_788_782_400;

    public SampleReportFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kvm-report-");
        (ExitCode, Stdout, Stderr) = Run(["report", "--output", Directory.FullName, "--now", "1788782400", "--pdf", "off"]);
    }

    public DirectoryInfo Directory { get; }

    public int ExitCode { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public string Html => File.ReadAllText(Path.Combine(Directory.FullName, "capacity-report.html"));

    public string Markdown => File.ReadAllText(Path.Combine(Directory.FullName, "capacity-report.md"));

    public string Csv => File.ReadAllText(Path.Combine(Directory.FullName, "capacity-report.csv"));

    public static (int ExitCode, string Stdout, string Stderr) Run(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Program.RunAsync(args, new CommandContext(stdout, stderr, TimeProvider.System), CancellationToken.None).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => Directory.Delete(recursive: true);
}
