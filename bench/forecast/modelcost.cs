#:project ../../src/KvmMetrics.Analysis/KvmMetrics.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// Where the engine's time goes: ForecastEngine.ForecastMany on the same fleet with parts switched off, in one
// process (so the ratios share the machine's load). Usage: dotnet run -c Release modelcost.cs -- FLEET.csv
using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

var raw = new Dictionary<string, (List<long> T, List<double> V)>();
foreach (var line in File.ReadLines(args[0]).Skip(1))
{
    var p = line.Split(',');
    if (!raw.TryGetValue(p[1], out var s)) { s = ([], []); raw[p[1]] = s; }
    s.T.Add(long.Parse(p[0], CultureInfo.InvariantCulture)); s.V.Add(double.Parse(p[3], CultureInfo.InvariantCulture));
}
var series = raw.Values.Select(s => Resampler.Resample(s.T.ToArray(), s.V.ToArray(), 3600)).ToArray();
var variants = new (string, ForecastOptions)[]
{
    ("median-only", new ForecastOptions { MedianOnly = true }),
    ("baselines (median, naive)", new ForecastOptions { GlobalModel = false, Ets = false }),
    ("+ets", new ForecastOptions { GlobalModel = false }),
    ("+global, no ets", new ForecastOptions { Ets = false }),
    ("full", new ForecastOptions()),
};
new ForecastEngine(variants[^1].Item2).ForecastMany(series.Take(50).ToArray(), 24); // JIT warm-up
foreach (var (name, options) in variants)
{
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    new ForecastEngine(options).ForecastMany(series, 24);
    process.Refresh();
    Console.WriteLine(FormattableString.Invariant($"{name,-28} wall {sw.Elapsed.TotalSeconds,6:0.00} s  cpu {(process.TotalProcessorTime - cpu0).TotalSeconds,6:0.00} s  load {File.ReadAllText("/proc/loadavg").Trim()}"));
}
