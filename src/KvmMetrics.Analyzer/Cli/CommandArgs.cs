using System.Globalization;

namespace KvmMetrics.Analyzer.Cli;

/// <summary>
/// The options of one sub-command: <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c>.
/// Every getter records the option as known, and <see cref="EnsureAllUsed"/> rejects the rest,
/// so a typo (<c>--horizn</c>) is an error that names it rather than a silently ignored flag.
/// </summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Parses the arguments that follow the command name.</summary>
    public CommandArgs(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}': options look like --name value");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _values[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[arg[2..]] = args[++i];
            }
            else
            {
                _values[arg[2..]] = null;
            }
        }
    }

    /// <summary>True when <c>--name</c> was given (with or without a value).</summary>
    public bool Flag(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/> when absent.</summary>
    public string? String(string name, string? fallback = null)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value ?? throw new UsageException($"--{name} needs a value");
    }

    /// <summary>The value of a required option.</summary>
    public string Required(string name, string hint) =>
        String(name) ?? throw new UsageException($"--{name} is required ({hint})");

    /// <summary>An integer option within [min, max].</summary>
    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer from {min} to {max}, got '{text}'");
        }

        return value;
    }

    /// <summary>A duration option such as <c>300s</c>, <c>5m</c>, <c>1h</c>, <c>7d</c>, <c>2w</c>, within [min, max].</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!TryParseDuration(text, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a duration like 5m, 1h or 7d between {min} and {max}, got '{text}'");
        }

        return value;
    }

    /// <summary>Fails on any option that no getter asked for.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown option{(unknown.Length > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }

    /// <summary>Parses Prometheus-style durations: an integer followed by s, m, h, d or w.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2)
        {
            return false;
        }

        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000_000)
        {
            return false;
        }

        long? seconds = text[^1] switch
        {
            's' => n,
            'm' => n * 60,
            'h' => n * 3600,
            'd' => n * 86400,
            'w' => n * 604800,
            _ => null,
        };
        if (seconds is null)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }
}
