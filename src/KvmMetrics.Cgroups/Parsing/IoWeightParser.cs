namespace KvmMetrics.Cgroups.Parsing;

/// <summary>The proportional I/O weights from <c>io.weight</c>.</summary>
/// <param name="Default">The <c>default</c> weight (1..10000).</param>
/// <param name="Devices">Per-device overrides keyed by (major, minor).</param>
public sealed record IoWeight(double Default, IReadOnlyList<(int Major, int Minor, double Weight)> Devices);

/// <summary>Parses <c>io.weight</c>: a <c>default N</c> line, then <c>MAJ:MIN N</c> lines.</summary>
public static class IoWeightParser
{
    /// <summary>Parses the file content.</summary>
    public static ParseResult<IoWeight> Parse(string content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return ParseResult<IoWeight>.Malformed("empty file");
        }

        if (LineSplitter.Split(content, out var lines) is { } problem)
        {
            return ParseResult<IoWeight>.Malformed(problem);
        }

        double? def = null;
        var devices = new List<(int, int, double)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var words = LineSplitter.Words(lines[i]);
            if (words.Length != 2 || !CgroupNumber.TryParse(words[1], allowMax: false, out var weight) || weight < 0)
            {
                return Bad(i, lines[i]);
            }

            if (words[0] == "default" && def is null)
            {
                def = weight;
            }
            else if (IoDeviceParser.TryParseDeviceNumber(words[0], out var major, out var minor))
            {
                devices.Add((major, minor, weight));
            }
            else
            {
                return Bad(i, lines[i]);
            }
        }

        return def is null
            ? ParseResult<IoWeight>.Malformed("no 'default' line")
            : ParseResult<IoWeight>.Ok(new IoWeight(def.Value, devices));
    }

    private static ParseResult<IoWeight> Bad(int index, string line) =>
        ParseResult<IoWeight>.Malformed($"line {index + 1} is not 'default N' or 'MAJ:MIN N': {CgroupNumber.Quote(line)}");
}
