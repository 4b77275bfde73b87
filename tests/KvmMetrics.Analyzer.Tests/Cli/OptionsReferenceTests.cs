using KvmMetrics.Analyzer.Cli;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Cli;

/// <summary>The options tables in docs/analyzer.md are generated from the definitions; UPDATE_GOLDEN=1 rewrites them.</summary>
public sealed class OptionsReferenceTests
{
    [Fact]
    public void AnalyzerMd_OptionTablesEqualTheDefinitions()
    {
        var path = RepoPaths.InRepo("docs", "analyzer.md");
        var text = File.ReadAllText(path);
        var begin = text.IndexOf(OptionsReference.Begin, StringComparison.Ordinal);
        var end = text.IndexOf(OptionsReference.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/analyzer.md lacks the generated-options markers");
        var current = text[(begin + OptionsReference.Begin.Length)..end].Trim('\n');
        var generated = OptionsReference.Markdown(Program.Commands).Trim('\n');
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1" && current != generated)
        {
            File.WriteAllText(path, text[..(begin + OptionsReference.Begin.Length)] + "\n" + generated + "\n" + text[end..]);
            return;
        }

        Assert.Equal(generated, current);
    }

    [Fact]
    public void EveryOptionName_IsOneDefinitionPerCommand()
    {
        foreach (var c in Program.Commands)
        {
            var names = c.Options.Select(o => o.Name).ToArray();
            Assert.True(names.Length == names.Distinct(StringComparer.Ordinal).Count(), c.Name + " declares an option twice");
        }
    }
}
