namespace KvmMetrics.Exposition;

/// <summary>One sample: label values (in descriptor order) and a value.</summary>
public readonly record struct Sample(string[] LabelValues, double Value);

/// <summary>A family with its samples, in the order they were added.</summary>
public sealed record MetricFamily(MetricDescriptor Descriptor, IReadOnlyList<Sample> Samples);

/// <summary>
/// The immutable result of one scrape: families sorted by name, each family contiguous, no
/// duplicate series. Writers turn it into bytes.
/// </summary>
public sealed class MetricSet
{
    /// <summary>An empty set.</summary>
    public static readonly MetricSet Empty = new([], 0, 0);

    internal MetricSet(IReadOnlyList<MetricFamily> families, int duplicatesDropped, int conflictsDropped)
    {
        Families = families;
        DuplicatesDropped = duplicatesDropped;
        ConflictsDropped = conflictsDropped;
    }

    /// <summary>Families sorted by <see cref="MetricDescriptor.Name"/> (ordinal).</summary>
    public IReadOnlyList<MetricFamily> Families { get; }

    /// <summary>Samples dropped because the same series had already been added.</summary>
    public int DuplicatesDropped { get; }

    /// <summary>Samples dropped because another descriptor with the same name but a different type or labels was used first.</summary>
    public int ConflictsDropped { get; }

    /// <summary>Total number of samples.</summary>
    public int SampleCount => Families.Sum(f => f.Samples.Count);

    /// <summary>Looks up a family by sample name (for tests and self-checks).</summary>
    public MetricFamily? Find(string name) => Families.FirstOrDefault(f => f.Descriptor.Name == name);
}

/// <summary>
/// Accumulates samples into a <see cref="MetricSet"/>. Thread-safe: collectors running in parallel
/// may share one builder.
/// </summary>
public sealed class MetricSetBuilder : IMetricSink
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FamilyBuilder> _families = new(StringComparer.Ordinal);
    private int _duplicates;
    private int _conflicts;

    /// <inheritdoc />
    public void Add(MetricDescriptor metric, double value, params ReadOnlySpan<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (labelValues.Length != metric.LabelNames.Count)
        {
            throw new ArgumentException(
                $"'{metric.Name}' takes {metric.LabelNames.Count} label values, got {labelValues.Length}.", nameof(labelValues));
        }

        var values = labelValues.ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            // Lone surrogates become U+FFFD here, as the UTF-8 writers would write them, so two
            // values that differ only in invalid UTF-16 are recognised as one series.
            values[i] = values[i] is { } v ? Writing.TextSanitizer.ReplaceInvalidSurrogates(v) : string.Empty;
        }

        var key = SeriesKey(values);
        lock (_gate)
        {
            if (!_families.TryGetValue(metric.Name, out var family))
            {
                family = new FamilyBuilder(metric);
                _families.Add(metric.Name, family);
            }
            else if (!ReferenceEquals(family.Descriptor, metric) && !SameShape(family.Descriptor, metric))
            {
                _conflicts++;
                return;
            }

            if (!family.Keys.Add(key))
            {
                _duplicates++;
                return;
            }

            family.Samples.Add(new Sample(values, value));
        }
    }

    /// <summary>Samples refused so far: duplicate series plus family-shape conflicts (what <see cref="Build"/> would report),
    /// without copying the page.</summary>
    public int Dropped
    {
        get
        {
            lock (_gate)
            {
                return _duplicates + _conflicts;
            }
        }
    }

    /// <summary>Freezes what was added into a sorted <see cref="MetricSet"/>.</summary>
    public MetricSet Build()
    {
        lock (_gate)
        {
            var families = _families.Values
                .OrderBy(f => f.Descriptor.Name, StringComparer.Ordinal)
                .Select(f => new MetricFamily(f.Descriptor, f.Samples.ToArray()))
                .ToArray();
            return new MetricSet(families, _duplicates, _conflicts);
        }
    }

    private static bool SameShape(MetricDescriptor a, MetricDescriptor b) =>
        a.Type == b.Type && a.LabelNames.SequenceEqual(b.LabelNames, StringComparer.Ordinal);

    // Within one family every key has the same number of values, so a single value is its own key;
    // several values are length-prefixed so no content can imitate a boundary.
    private static string SeriesKey(string[] values)
    {
        switch (values.Length)
        {
            case 0:
                return string.Empty;
            case 1:
                return values[0];
            default:
                var builder = new System.Text.StringBuilder();
                foreach (var v in values)
                {
                    builder.Append(v.Length).Append(':').Append(v);
                }

                return builder.ToString();
        }
    }

    private sealed class FamilyBuilder(MetricDescriptor descriptor)
    {
        public MetricDescriptor Descriptor { get; } = descriptor;

        public List<Sample> Samples { get; } = [];

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}
