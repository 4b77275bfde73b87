using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Exposition;
using Prometheus;

// One scrape of D domains x F families (default 100 x 50 = 5,000 series), as the exporter's per-domain families are:
// ours builds a MetricSet and writes text 0.0.4; prometheus-net sets every child in a before-collect callback, removes
// the label sets of a domain that vanished, and exports text 0.0.4. Each scrape one domain is replaced by a new one
// (guest churn), so removal is exercised. The two run interleaved in one process, on one thread, so load hits both.
var domains = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
var familyCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
const int Warmup = 20;

var descriptors = Enumerable.Range(0, familyCount)
    .Select(f => f % 2 == 0
        ? new MetricDescriptor($"kvm_domain_bench_{f:D2}_total", MetricType.Counter, $"Bench counter {f}, in the shape of a libvirt field.", "uuid", "domain")
        : new MetricDescriptor($"kvm_domain_bench_{f:D2}_bytes", MetricType.Gauge, $"Bench gauge {f}, in the shape of a libvirt field.", "uuid", "domain"))
    .ToArray();

var registry = Metrics.NewCustomRegistry();
var factory = Metrics.WithCustomRegistry(registry);
var counters = new Counter?[familyCount];
var gauges = new Gauge?[familyCount];
for (var f = 0; f < familyCount; f++)
{
    var d = descriptors[f];
    if (d.Type == MetricType.Counter)
    {
        counters[f] = factory.CreateCounter(d.Name, d.Help, new CounterConfiguration { LabelNames = ["uuid", "domain"], SuppressInitialValue = true });
    }
    else
    {
        gauges[f] = factory.CreateGauge(d.Name, d.Help, new GaugeConfiguration { LabelNames = ["uuid", "domain"], SuppressInitialValue = true });
    }
}

var nextId = 0;
(string Uuid, string Name) NewDomain()
{
    var id = nextId++;
    return (Guid.CreateVersion7().ToString(), $"instance-{id:D8}");
}

var current = Enumerable.Range(0, domains).Select(_ => NewDomain()).ToList();
var published = new HashSet<(string, string)>();
var scrape = 0;

double Value(int f, int d) => (scrape * 1000.0) + (f * 7) + d + 0.5;

void Churn()
{
    scrape++;
    current[scrape % domains] = NewDomain();
}

long Ours(MemoryStream output)
{
    var b = new MetricSetBuilder();
    for (var d = 0; d < current.Count; d++)
    {
        var (uuid, name) = current[d];
        for (var f = 0; f < familyCount; f++)
        {
            b.Add(descriptors[f], Value(f, d), uuid, name);
        }
    }

    output.SetLength(0);
    TextFormatWriter.Write(b.Build(), output);
    return output.Length;
}

registry.AddBeforeCollectCallback(() =>
{
    var now = new HashSet<(string, string)>();
    for (var d = 0; d < current.Count; d++)
    {
        var (uuid, name) = current[d];
        now.Add((uuid, name));
        for (var f = 0; f < familyCount; f++)
        {
            if (counters[f] is { } c)
            {
                c.WithLabels(uuid, name).IncTo(Value(f, d));
            }
            else
            {
                gauges[f]!.WithLabels(uuid, name).Set(Value(f, d));
            }
        }
    }

    foreach (var gone in published)
    {
        if (!now.Contains(gone))
        {
            for (var f = 0; f < familyCount; f++)
            {
                if (counters[f] is { } c)
                {
                    c.RemoveLabelled(gone.Item1, gone.Item2);
                }
                else
                {
                    gauges[f]!.RemoveLabelled(gone.Item1, gone.Item2);
                }
            }
        }
    }

    published = now;
});

long Theirs(MemoryStream output)
{
    output.SetLength(0);
    registry.CollectAndExportAsTextAsync(output, Prometheus.ExpositionFormat.PrometheusText).GetAwaiter().GetResult();
    return output.Length;
}

var oursTimes = new List<double>();
var theirsTimes = new List<double>();
long oursAlloc = 0, theirsAlloc = 0, oursBytes = 0, theirsBytes = 0;
using var buffer = new MemoryStream(1 << 20);
for (var r = 0; r < Warmup + rounds; r++)
{
    Churn();
    // Alternate which goes first so neither always runs right after the other's garbage.
    foreach (var which in r % 2 == 0 ? new[] { 0, 1 } : [1, 0])
    {
        var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        var bytes = which == 0 ? Ours(buffer) : Theirs(buffer);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var alloc = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
        if (r < Warmup)
        {
            continue;
        }

        if (which == 0)
        {
            oursTimes.Add(elapsed);
            oursAlloc += alloc;
            oursBytes = bytes;
        }
        else
        {
            theirsTimes.Add(elapsed);
            theirsAlloc += alloc;
            theirsBytes = bytes;
        }
    }
}

static double Percentile(List<double> xs, double p)
{
    var s = xs.Order().ToArray();
    return s[(int)Math.Min(s.Length - 1, Math.Round(p * (s.Length - 1)))];
}

var series = domains * familyCount;
Console.WriteLine($"series per page: {series} ({domains} domains x {familyCount} families), {rounds} scrapes each after {Warmup} warm-up, one domain replaced per scrape");
Console.WriteLine($"{"writer",-32} {"p50 ms",8} {"p95 ms",8} {"alloc KB/scrape",16} {"page bytes",11} {"p50 vs ours",12} {"alloc vs ours",14}");
var oursP50 = Percentile(oursTimes, 0.5);
var oursKb = oursAlloc / 1024.0 / rounds;
void Row(string name, List<double> times, long alloc, long bytes)
{
    var kb = alloc / 1024.0 / rounds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-32} {Percentile(times, 0.5),8:0.00} {Percentile(times, 0.95),8:0.00} {kb,16:0} {bytes,11} {Percentile(times, 0.5) / oursP50,11:0.00}x {kb / oursKb,13:0.00}x"));
}

Row("ours (MetricSet + text 0.0.4)", oursTimes, oursAlloc, oursBytes);
Row("prometheus-net 8.2.1 (callback)", theirsTimes, theirsAlloc, theirsBytes);
