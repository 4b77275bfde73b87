#:project ../../src/KvmMetrics.Analysis/KvmMetrics.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// Tuning harness: the `backtest` protocol without the analyzer host. All files are one input (one global model
// across them, as one `forecast` call); the table is printed for all series and per file.
// Usage: dotnet run -c Release evaluate.cs -- ORIGINS WINDOW_DAYS FILE.csv [FILE.csv...]
// Knobs (environment): FC_B backtest origins, FC_ETS 0/1, FC_REFIT 0/1, FC_MARGIN, FC_SCALE, FC_GLOBAL 0/1,
// FC_TREES, FC_LEAVES, FC_LR, FC_STRIDE, FC_ROWS, FC_MINLEAF.
using System.Globalization;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Global;
using KvmMetrics.Analysis.TimeSeries;

var origins = int.Parse(args[0], CultureInfo.InvariantCulture);
var windowDays = int.Parse(args[1], CultureInfo.InvariantCulture);
var names = new List<string>();
var groups = new List<string>();
var regular = new List<RegularSeries>();
foreach (var path in args.Skip(2))
{
    var series = new Dictionary<string, (List<long> T, List<double> V)>();
    foreach (var line in File.ReadLines(path).Skip(1))
    {
        var p = line.Split(',');
        if (!series.TryGetValue(p[1], out var s)) { s = ([], []); series[p[1]] = s; }
        s.T.Add(long.Parse(p[0], CultureInfo.InvariantCulture));
        s.V.Add(double.Parse(p[3], CultureInfo.InvariantCulture));
    }
    foreach (var n in series.Keys.Order(StringComparer.Ordinal))
    {
        var (t, v) = series[n];
        var order = Enumerable.Range(0, t.Count).OrderBy(i => t[i]).ToArray();
        regular.Add(Resampler.Resample(order.Select(i => t[i]).ToArray(), order.Select(i => v[i]).ToArray(), 3600));
        names.Add(n);
        groups.Add(Path.GetFileName(path));
    }
}

string? Env(string k) => Environment.GetEnvironmentVariable(k);
double D(string k, double d) => Env(k) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : d;
var g = new GlobalModelOptions();
g = g with
{
    Trees = (int)D("FC_TREES", g.Trees), Leaves = (int)D("FC_LEAVES", g.Leaves), LearningRate = D("FC_LR", g.LearningRate),
    OriginStride = (int)D("FC_STRIDE", g.OriginStride), MaxRows = (int)D("FC_ROWS", g.MaxRows), MinRowsPerLeaf = (int)D("FC_MINLEAF", g.MinRowsPerLeaf),
};
var o = new ForecastOptions();
var options = o with
{
    BacktestOrigins = (int)D("FC_B", o.BacktestOrigins), Ets = D("FC_ETS", o.Ets ? 1 : 0) > 0, RefitOnAll = D("FC_REFIT", o.RefitOnAll ? 1 : 0) > 0,
    ChallengerMargin = D("FC_MARGIN", o.ChallengerMargin), IntervalScale = D("FC_SCALE", o.IntervalScale), GlobalModel = D("FC_GLOBAL", 1) > 0, Global = g,
};
var sw = System.Diagnostics.Stopwatch.StartNew();
var report = BacktestEvaluator.Evaluate(regular, new BacktestSettings(24, origins, windowDays * 24), options);
Console.WriteLine(FormattableString.Invariant($"{report.Evaluated} evaluated, {report.Excluded.Count} excluded, {sw.Elapsed.TotalSeconds:0.0} s; load {File.ReadAllText("/proc/loadavg").Trim()}"));
foreach (var group in new[] { "(all)" }.Concat(groups.Distinct()))
{
    var members = report.PerSeries.Where(s => group == "(all)" || groups[s.Index] == group).ToArray();
    Console.WriteLine($"== {group}: {members.Length} series");
    var models = members.SelectMany(s => s.Relative.Keys).Distinct().ToArray();
    var rows = models.Select(m =>
    {
        var with = members.Where(s => s.Relative.ContainsKey(m)).ToArray();
        var gm = Math.Exp(with.Average(s => Math.Log(s.Relative[m])));
        var c = with.Select(s => s.Coverage[m]).ToArray();
        double n = c.Sum(x => x.Count);
        var chosen = report.Rows.First(r => r.Model == m).TimesSelected;
        return (m, gm, with.Length, c.Sum(x => x.Inside80) / n, c.Sum(x => x.Inside95) / n);
    }).OrderBy(r => r.gm);
    foreach (var r in rows)
        Console.WriteLine(FormattableString.Invariant($"  {r.m,-24} {r.gm,7:0.000} {r.Item3,4} cov80 {r.Item4:0.000} cov95 {r.Item5:0.000}"));
}
Console.WriteLine("chosen: " + string.Join(", ", report.Rows.Where(r => r.TimesSelected > 0).Select(r => $"{r.Model} {r.TimesSelected}")));
foreach (var e in report.Excluded) Console.WriteLine($"excluded {names[e.Index]}: {e.Reason}");
