using System.Text;

namespace KvmMetrics.Options;

/// <summary>Help text and Markdown tables generated from option definitions (the docs tests compare docs/*.md with this).</summary>
public static class OptionDocs
{
    /// <summary>A Markdown table: flag, environment variable, default, accepted values, description.</summary>
    public static string Table(IEnumerable<OptionDefinition> options, string environmentPrefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sb = new StringBuilder();
        sb.Append("| Flag | Environment | Default | Accepted | Description |\n|---|---|---|---|---|\n");
        foreach (var o in options)
        {
            sb.Append("| `").Append(o.Flag).Append("` | `").Append(o.EnvironmentVariable(environmentPrefix)).Append("` | `").Append(o.DefaultText).Append("` | ")
              .Append(Cell(o.Accepted)).Append(" | ").Append(Cell(o.Description)).Append(" |\n");
        }

        return sb.ToString();
    }

    /// <summary>Help lines: <c>  --name=DEFAULT</c>, then the description and accepted values indented.</summary>
    public static string Help(IEnumerable<OptionDefinition> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sb = new StringBuilder();
        foreach (var o in options)
        {
            sb.Append("  ").Append(o.Flag).Append('=').Append(o.DefaultText).Append('\n')
              .Append("      ").Append(o.Description).Append(" Accepted: ").Append(o.Accepted).Append(".\n");
        }

        return sb.ToString();
    }

    /// <summary>Escapes a Markdown table cell.</summary>
    public static string Cell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
    }
}
