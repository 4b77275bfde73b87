using KvmMetrics.Exposition;
using KvmMetrics.Web.Exposition;
using Prometheus;

namespace KvmMetrics.Exporter.Scraping;

/// <summary>
/// Writes the exporter's self-metrics (<c>process_*</c>, <c>dotnet_*</c>, <c>kvm_exporter_*</c>) through a prometheus-net
/// registry at the top of the page; the per-domain families stay on our writer (docs/exporter.md, "Self-metrics and
/// prometheus-net": it is several times faster at 5,000 series). prometheus-net has no public per-scrape collector API,
/// so each page's self samples are set on the registry's gauges and counters and the label sets the previous page had
/// and this one has not are removed, under one lock with the export, so concurrent scrapes of different rounds
/// (a cached snapshot and an overrun page) never mix. Names, help and types are the descriptors' own, so alerts,
/// dashboards and docs/metrics.md are unchanged; prometheus-net has no info type, so <c>kvm_exporter_build_info</c>
/// is a gauge of 1.
/// </summary>
public sealed class SelfMetricsPublisher
{
    private readonly HashSet<string> _selfNames;
    private readonly MetricFactory _factory;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a publisher for the families named in <paramref name="selfFamilies"/>.</summary>
    public SelfMetricsPublisher(IEnumerable<MetricDescriptor> selfFamilies)
    {
        ArgumentNullException.ThrowIfNull(selfFamilies);
        _selfNames = new HashSet<string>(selfFamilies.Select(d => d.Name), StringComparer.Ordinal);
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
    }

    /// <summary>The prometheus-net registry (tests collect it directly).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Whether a family is written by prometheus-net.</summary>
    public bool IsSelf(string name) => _selfNames.Contains(name);

    /// <summary>
    /// Writes the self families of <paramref name="page"/> to <paramref name="output"/> in <paramref name="format"/>
    /// (without OpenMetrics' <c># EOF</c>) and returns the other families, for <see cref="MetricsEndpointOptions.WriteFirstAsync"/>.
    /// </summary>
    public async Task<MetricSet> WriteAsync(MetricSet page, Web.Exposition.ExpositionFormat format, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new MemoryStream();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Publish(page);
            await Registry.CollectAndExportAsTextAsync(
                buffer,
                format == Web.Exposition.ExpositionFormat.OpenMetrics ? Prometheus.ExpositionFormat.OpenMetricsText : Prometheus.ExpositionFormat.PrometheusText,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (format == Web.Exposition.ExpositionFormat.OpenMetrics && bytes.Span.EndsWith(Eof))
        {
            // Our writer ends the page; one # EOF only (OpenMetrics 1.0, "Overall structure").
            bytes = bytes[..^Eof.Length];
        }

        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        return page.Where(f => !IsSelf(f.Descriptor.Name));
    }

    private static ReadOnlySpan<byte> Eof => "# EOF\n"u8;

    // Callers hold _gate.
    private void Publish(MetricSet page)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in page.Families)
        {
            if (IsSelf(family.Descriptor.Name))
            {
                seen.Add(family.Descriptor.Name);
                FamilyFor(family.Descriptor).Update(family.Samples);
            }
        }

        foreach (var (name, family) in _families)
        {
            if (!seen.Contains(name))
            {
                family.Update([]);
            }
        }
    }

    private Family FamilyFor(MetricDescriptor d)
    {
        if (_families.TryGetValue(d.Name, out var existing))
        {
            if (existing.Descriptor.Type != d.Type || !existing.Descriptor.LabelNames.SequenceEqual(d.LabelNames))
            {
                throw new InvalidOperationException($"metric {d.Name} changed its type or labels between scrapes");
            }

            return existing;
        }

        var labels = d.LabelNames.ToArray();
        Family created = d.Type == MetricType.Counter
            ? new CounterFamily(d, _factory.CreateCounter(d.Name, d.Help, new CounterConfiguration { LabelNames = labels, SuppressInitialValue = true }))
            : new GaugeFamily(d, _factory.CreateGauge(d.Name, d.Help, new GaugeConfiguration { LabelNames = labels, SuppressInitialValue = true }));
        _families.Add(d.Name, created);
        return created;
    }

    private abstract class Family(MetricDescriptor descriptor)
    {
        private HashSet<string[]> _published = new(LabelValuesComparer.Instance);

        public MetricDescriptor Descriptor { get; } = descriptor;

        public void Update(IReadOnlyList<Exposition.Sample> samples)
        {
            var now = new HashSet<string[]>(samples.Count, LabelValuesComparer.Instance);
            foreach (var s in samples)
            {
                Set(s.LabelValues, s.Value);
                now.Add(s.LabelValues);
            }

            foreach (var gone in _published)
            {
                if (!now.Contains(gone))
                {
                    Remove(gone);
                }
            }

            _published = now;
        }

        protected abstract void Set(string[] labelValues, double value);

        protected abstract void Remove(string[] labelValues);
    }

    private sealed class GaugeFamily(MetricDescriptor d, Gauge gauge) : Family(d)
    {
        protected override void Set(string[] labelValues, double value)
        {
            if (labelValues.Length == 0)
            {
                gauge.Set(value);
                gauge.Publish();
            }
            else
            {
                var child = gauge.WithLabels(labelValues);
                child.Set(value);
                child.Publish();
            }
        }

        protected override void Remove(string[] labelValues)
        {
            if (labelValues.Length == 0)
            {
                gauge.Unpublish();
            }
            else
            {
                gauge.RemoveLabelled(labelValues);
            }
        }
    }

    private sealed class CounterFamily(MetricDescriptor d, Counter counter) : Family(d)
    {
        // The source values are already cumulative; IncTo keeps prometheus-net's monotonic rule.
        protected override void Set(string[] labelValues, double value)
        {
            if (labelValues.Length == 0)
            {
                counter.IncTo(value);
                counter.Publish();
            }
            else
            {
                var child = counter.WithLabels(labelValues);
                child.IncTo(value);
                child.Publish();
            }
        }

        protected override void Remove(string[] labelValues)
        {
            if (labelValues.Length == 0)
            {
                counter.Unpublish();
            }
            else
            {
                counter.RemoveLabelled(labelValues);
            }
        }
    }

    private sealed class LabelValuesComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelValuesComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj)
        {
            var h = new HashCode();
            foreach (var v in obj)
            {
                h.Add(v, StringComparer.Ordinal);
            }

            return h.ToHashCode();
        }
    }
}
