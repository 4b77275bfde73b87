using FsCheck.Fluent;
using KvmMetrics.Exposition.Tests.Generators;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exposition.Tests;

/// <summary>The text format output of hostile input, checked by the real <c>promtool check metrics</c>.</summary>
public class WriterPromtoolTests
{
    [SkippableFact]
    public void TextFormat_ArbitraryInput_PromtoolReportsNoProblems()
    {
        PromtoolRunner.RequirePath();
        const int Cases = 300;
        const int PerRun = 15;

        // promtool starts in ~50 ms, so cases are checked in batches (each case's families get a
        // unique name prefix); a failing batch is re-checked case by case to name the culprit.
        var cases = Gen.Sample(ExpositionGenerators.Case, Cases, 30)
            .Select((c, i) => c with { Families = c.Families.Select(f => f with { Name = f.Name.Replace("kvm_fuzz_", $"kvm_fuzz_c{i}_", StringComparison.Ordinal) }).ToArray() })
            .ToArray();
        Assert.Equal(Cases, cases.Length);

        foreach (var batch in cases.Chunk(PerRun))
        {
            var result = Check(batch);
            if (result.ExitCode == 0)
            {
                continue;
            }

            foreach (var single in batch)
            {
                var one = Check([single]);

                // The generator uses a lint-clean naming scheme, so anything but 0 (a parse error
                // or a lint problem) is a failure; the output names which.
                Assert.True(one.ExitCode == 0, $"promtool exit {one.ExitCode} (parse error: {one.IsParseError}): {one.Output}\ncase:\n{single}");
            }

            Assert.Fail($"promtool exit {result.ExitCode} for a batch whose cases pass one by one: {result.Output}");
        }
    }

    private static PromtoolResult Check(IEnumerable<ExpositionCase> cases)
    {
        var combined = new ExpositionCase(cases.SelectMany(c => c.Families).ToArray());
        using var stream = new MemoryStream();
        TextFormatWriter.Write(combined.Build(), stream);
        return PromtoolRunner.CheckMetrics(stream.ToArray());
    }

    [SkippableFact]
    public void PromtoolRunner_InvalidEscape_IsReportedAsParseError()
    {
        PromtoolRunner.RequirePath();

        var result = PromtoolRunner.CheckMetrics("# HELP m h\n# TYPE m gauge\nm{a=\"b\\q\"} 1\n");

        Assert.True(result.IsParseError, result.Output);
        Assert.Contains("invalid escape sequence", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void PromtoolRunner_MissingHelp_IsLintProblemNotParseError()
    {
        PromtoolRunner.RequirePath();

        var result = PromtoolRunner.CheckMetrics("# TYPE m gauge\nm 1\n");

        Assert.False(result.IsParseError, result.Output);
        Assert.Equal(PromtoolResult.LintProblemsExitCode, result.ExitCode);
        Assert.Contains(result.LintProblems, p => p.Contains("no help text", StringComparison.Ordinal));
    }
}
