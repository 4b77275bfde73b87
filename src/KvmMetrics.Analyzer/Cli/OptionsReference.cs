using System.Text;
using KvmMetrics.Options;

namespace KvmMetrics.Analyzer.Cli;

/// <summary>The generated options tables of docs/analyzer.md (a test checks the file equals this text).</summary>
public static class OptionsReference
{
    /// <summary>Marker line before the generated tables.</summary>
    public const string Begin = "<!-- BEGIN GENERATED OPTIONS (tests/KvmMetrics.Analyzer.Tests/Cli/OptionsReferenceTests.cs; UPDATE_GOLDEN=1 rewrites) -->";

    /// <summary>Marker line after the generated tables.</summary>
    public const string End = "<!-- END GENERATED OPTIONS -->";

    /// <summary>One table per command that declares its options, in <see cref="Program.Commands"/> order.</summary>
    public static string Markdown(IEnumerable<ICommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var sb = new StringBuilder();
        foreach (var c in commands.Where(c => c.Options.Count > 0))
        {
            sb.Append("\n### `").Append(c.Name).Append("`\n\n").Append(c.Summary).Append(".\n\n");
            sb.Append(OptionDocs.Table(c.Options, CommandArgs.EnvironmentPrefix));
        }

        return sb.ToString();
    }
}
