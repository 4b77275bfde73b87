#:project ../../src/KvmMetrics.Analysis/KvmMetrics.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// Tuning harness: the same evaluation as `backtest`, without the analyzer host (so it runs while other
// parts of the solution are mid-edit). Usage: dotnet run -c Release evaluate.cs -- HISTORY.csv [origins] [window-days]
using System.Globalization;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

var path = args[0];
var origins = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 14;
var windowDays = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 28;
var series = new Dictionary<string, (List<long> T, List<double> V)>();
foreach (var line in File.ReadLines(path).Skip(1))
{
    var p = line.Split(',');
    if (!series.TryGetValue(p[1], out var s)) { s = ([], []); series[p[1]] = s; }
    s.T.Add(long.Parse(p[0], CultureInfo.InvariantCulture));
    s.V.Add(double.Parse(p[3], CultureInfo.InvariantCulture));
}
var names = series.Keys.Order(StringComparer.Ordinal).ToArray();
var regular = names.Select(n =>
{
    var (t, v) = series[n];
    var order = Enumerable.Range(0, t.Count).OrderBy(i => t[i]).ToArray();
    return Resampler.Resample(order.Select(i => t[i]).ToArray(), order.Select(i => v[i]).ToArray(), 3600);
}).ToArray();
var options = new ForecastOptions();
if (Environment.GetEnvironmentVariable("FC_SCALE") is { } scale) options = options with { IntervalScale = double.Parse(scale, CultureInfo.InvariantCulture) };
if (Environment.GetEnvironmentVariable("FC_K") is { } k) options = options with { EnsembleSize = int.Parse(k, CultureInfo.InvariantCulture) };
var sw = System.Diagnostics.Stopwatch.StartNew();
var report = BacktestEvaluator.Evaluate(regular, new BacktestSettings(24, origins, windowDays * 24), options);
Console.WriteLine($"{report.Evaluated} evaluated, {report.Excluded.Count} excluded, {sw.Elapsed.TotalSeconds:0.0} s");
foreach (var r in report.Rows)
    Console.WriteLine($"{r.Model,-24} {r.AvgRelMae,7:0.000} {r.Series,4} cov80 {r.Coverage80:0.000} cov95 {r.Coverage95:0.000} p95 {r.CoverageP95:0.000} chosen {r.TimesSelected}");
foreach (var e in report.Excluded) Console.WriteLine($"excluded {names[e.Index]}: {e.Reason}");
if (Environment.GetEnvironmentVariable("FC_DETAIL") is { } model)
{
    foreach (var s in report.PerSeries.OrderBy(s => s.Relative[model]))
        Console.WriteLine($"{names[s.Index]} base {s.BaselineMae:G4} {model} {s.Relative[model]:0.000} selected {s.Relative["selected"]:0.000}");
}
