namespace KvmMetrics.Cgroups.Parsing;

/// <summary>Splits file content into lines the way the kernel writes them: each line ends in '\n'.</summary>
internal static class LineSplitter
{
    /// <summary>
    /// Returns the lines, or a problem when the content does not end in a newline. The kernel ends
    /// every cgroup file with '\n', so a missing one means the read was cut short (or the file is not
    /// a kernel file): trusting a cut-off number would report a wrong value.
    /// </summary>
    public static string? Split(string content, out string[] lines)
    {
        if (content.Length > 0 && content[^1] != '\n')
        {
            lines = [];
            return "truncated: the last line does not end in a newline";
        }

        lines = content.Length == 0 ? [] : content[..^1].Split('\n');
        return null;
    }

    /// <summary>Splits a line on single spaces; empty tokens (double spaces, tabs as words) are kept so they fail validation.</summary>
    public static string[] Words(string line) => line.Split(' ');
}
