namespace KvmMetrics.Exposition;

/// <summary>
/// Describes one metric family: created once (usually as a static field next to the code that
/// fills it), shared by every scrape. <see cref="Name"/> is the sample name as written in the
/// Prometheus text format 0.0.4, so counters end in <c>_total</c> and info families in <c>_info</c>;
/// the OpenMetrics writer derives the family name from it.
/// </summary>
public sealed class MetricDescriptor
{
    /// <summary>Creates a descriptor and validates the metric and label names.</summary>
    /// <exception cref="ArgumentException">A name is not a valid Prometheus name, or the suffix does not match the type.</exception>
    public MetricDescriptor(string name, MetricType type, string help, params string[] labelNames)
    {
        if (!MetricNames.IsValidMetricName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).", nameof(name));
        }

        if (type == MetricType.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter '{name}' must end in _total.", nameof(name));
        }

        if (type == MetricType.Info && !name.EndsWith("_info", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Info metric '{name}' must end in _info.", nameof(name));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labelNames)
        {
            if (!MetricNames.IsValidLabelName(label) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{label}' is not a valid label name for '{name}'.", nameof(labelNames));
            }

            if (!seen.Add(label))
            {
                throw new ArgumentException($"Label '{label}' appears twice in '{name}'.", nameof(labelNames));
            }
        }

        Name = name;
        Type = type;
        Help = help ?? string.Empty;
        LabelNames = labelNames;
    }

    /// <summary>The sample name in text format 0.0.4 (with <c>_total</c> / <c>_info</c>).</summary>
    public string Name { get; }

    /// <summary>The metric type.</summary>
    public MetricType Type { get; }

    /// <summary>The HELP text: a full sentence that names the source field or file.</summary>
    public string Help { get; }

    /// <summary>The label names, in the order label values are passed to the sink.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>
    /// The family name used by OpenMetrics: the name without the <c>_total</c> or <c>_info</c> suffix
    /// for counters and info metrics, the name itself otherwise.
    /// </summary>
    public string FamilyName => Type switch
    {
        MetricType.Counter => Name[..^"_total".Length],
        MetricType.Info => Name[..^"_info".Length],
        _ => Name,
    };

    /// <summary>UTF-8 bytes of the names, computed once per descriptor instead of on every scrape.</summary>
    internal Writing.EncodedDescriptor Encoded => _encoded ??= new Writing.EncodedDescriptor(this);

    /// <inheritdoc />
    public override string ToString() => Name;

    // Benign race: two threads may both build it; the results are equal.
    private Writing.EncodedDescriptor? _encoded;
}
