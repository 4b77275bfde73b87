#:project ../../src/KvmMetrics.Analysis/KvmMetrics.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// Throughput of ForecastEngine.Forecast with model selection (the default options): every series is the
// last 28 days (672 hourly values) of a real Bitbrains VM, horizon 24 h, Parallel.For over all cores.
// Usage: dotnet run -c Release throughput.cs -- VMS_HISTORY.csv [passes]
using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

var passes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var raw = new Dictionary<string, (List<long> T, List<double> V)>();
foreach (var line in File.ReadLines(args[0]).Skip(1))
{
    var p = line.Split(',');
    if (!raw.TryGetValue(p[1], out var s)) { s = ([], []); raw[p[1]] = s; }
    s.T.Add(long.Parse(p[0], CultureInfo.InvariantCulture));
    s.V.Add(double.Parse(p[3], CultureInfo.InvariantCulture));
}

var series = raw.Keys.Order(StringComparer.Ordinal).Select(k =>
{
    var (t, v) = raw[k];
    var r = Resampler.Resample(t.ToArray(), v.ToArray(), 3600);
    return r.Slice(r.Length - 672, 672);
}).Where(s => s.MissingCount < s.Length).ToArray();

var engine = new ForecastEngine();
Parallel.For(0, Math.Min(20, series.Length), i => engine.Forecast(series[i], 24)); // JIT warm-up
var process = Process.GetCurrentProcess();
var cpu0 = process.TotalProcessorTime;
var sw = Stopwatch.StartNew();
var models = new string[series.Length * passes];
Parallel.For(0, series.Length * passes, i => models[i] = engine.Forecast(series[i % series.Length], 24).Model);
sw.Stop();
process.Refresh();
var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
var n = series.Length * passes;
Console.WriteLine(FormattableString.Invariant($"{n} forecasts ({series.Length} series x {passes}) on {Environment.ProcessorCount} cores: {sw.Elapsed.TotalSeconds:0.00} s wall = {n / sw.Elapsed.TotalSeconds:0} series/s; CPU {cpu:0.00} s = {1000 * cpu / n:0.00} ms/series = {Environment.ProcessorCount * n / cpu:0} series/s if the {Environment.ProcessorCount} cores were idle"));
Console.WriteLine(FormattableString.Invariant($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}"));
