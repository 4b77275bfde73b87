using KvmMetrics.Exposition;
using Prometheus;

namespace KvmMetrics.Analyzer.Service;

/// <summary>
/// Publishes a <see cref="MetricSet"/> built fresh for each scrape through a prometheus-net registry, which then writes
/// the page (text 0.0.4 or OpenMetrics by <c>Accept</c>). prometheus-net has no public per-scrape collector API, so
/// <see cref="Publish"/> runs in the registry's before-collect callback: it sets every sample of the new set and removes
/// the label sets (and unlabelled samples) the previous scrape had and this one has not, so a host or a move that is
/// gone from the result is gone from the page, as with the analyzer's own writer before.
/// </summary>
public sealed class PrometheusNetPublisher
{
    private readonly Func<MetricSet> _build;
    private readonly MetricFactory _factory;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates a registry whose every collection publishes the set <paramref name="build"/> returns.</summary>
    public PrometheusNetPublisher(Func<MetricSet> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        _build = build;
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        Registry.AddBeforeCollectCallback(Publish);
    }

    /// <summary>The registry to serve (<c>MapMetrics(path, registry)</c>) or collect in tests.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Builds the set and mirrors it into the registry; called by prometheus-net before each collection.</summary>
    public void Publish()
    {
        var set = _build();
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var family in set.Families)
            {
                seen.Add(family.Descriptor.Name);
                FamilyFor(family.Descriptor).Update(family.Samples);
            }

            foreach (var (name, family) in _families)
            {
                if (!seen.Contains(name))
                {
                    family.Update([]);
                }
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
            // prometheus-net has no info or untyped type: an info family is a gauge of value 1, as text 0.0.4 writes it.
            : new GaugeFamily(d, _factory.CreateGauge(d.Name, d.Help, new GaugeConfiguration { LabelNames = labels, SuppressInitialValue = true }));
        _families.Add(d.Name, created);
        return created;
    }

    private abstract class Family(MetricDescriptor descriptor)
    {
        private HashSet<LabelKey> _published = [];

        public MetricDescriptor Descriptor { get; } = descriptor;

        public void Update(IReadOnlyList<Exposition.Sample> samples)
        {
            var now = new HashSet<LabelKey>(samples.Count);
            foreach (var s in samples)
            {
                Set(s.LabelValues, s.Value);
                now.Add(new LabelKey(s.LabelValues));
            }

            foreach (var gone in _published)
            {
                if (!now.Contains(gone))
                {
                    Remove(gone.Values);
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
        // A counter's source value is already cumulative (task runs, dropped points); IncTo keeps prometheus-net's own
        // monotonic rule, so a source that restarts lower stays at the higher value until the process restarts.
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

    private readonly struct LabelKey(string[] values) : IEquatable<LabelKey>
    {
        public string[] Values { get; } = values;

        public bool Equals(LabelKey other) => Values.AsSpan().SequenceEqual(other.Values);

        public override bool Equals(object? obj) => obj is LabelKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var v in Values)
            {
                h.Add(v, StringComparer.Ordinal);
            }

            return h.ToHashCode();
        }
    }
}
