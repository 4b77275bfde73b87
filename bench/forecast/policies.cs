#:project ../../src/KvmMetrics.Analysis/KvmMetrics.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// Tuning harness for the per-series choice: the backtest protocol (ORIGINS daily origins, WINDOW_DAYS of history,
// 24 h horizon, one engine call per origin over all files), then several choice policies scored on the same
// candidate forecasts. Knobs as evaluate.cs. Usage: dotnet run -c Release policies.cs -- ORIGINS WINDOW_DAYS FILE...
using System.Globalization;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Global;
using KvmMetrics.Analysis.TimeSeries;

var origins = int.Parse(args[0], CultureInfo.InvariantCulture);
var window = int.Parse(args[1], CultureInfo.InvariantCulture) * 24;
var names = new List<string>(); var groups = new List<string>(); var regular = new List<RegularSeries>();
foreach (var path in args.Skip(2))
{
    var series = new Dictionary<string, (List<long> T, List<double> V)>();
    foreach (var line in File.ReadLines(path).Skip(1))
    {
        var p = line.Split(',');
        if (!series.TryGetValue(p[1], out var s)) { s = ([], []); series[p[1]] = s; }
        s.T.Add(long.Parse(p[0], CultureInfo.InvariantCulture)); s.V.Add(double.Parse(p[3], CultureInfo.InvariantCulture));
    }
    foreach (var n in series.Keys.Order(StringComparer.Ordinal))
    {
        var (t, v) = series[n];
        var order = Enumerable.Range(0, t.Count).OrderBy(i => t[i]).ToArray();
        regular.Add(Resampler.Resample(order.Select(i => t[i]).ToArray(), order.Select(i => v[i]).ToArray(), 3600));
        names.Add(n); groups.Add(Path.GetFileName(path));
    }
}
string? Env(string k) => Environment.GetEnvironmentVariable(k);
double D(string k, double d) => Env(k) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : d;
var g = new GlobalModelOptions();
g = g with { Trees = (int)D("FC_TREES", g.Trees), Leaves = (int)D("FC_LEAVES", g.Leaves), LearningRate = D("FC_LR", g.LearningRate), OriginStride = (int)D("FC_STRIDE", g.OriginStride), MaxRows = (int)D("FC_ROWS", g.MaxRows), MinRowsPerLeaf = (int)D("FC_MINLEAF", g.MinRowsPerLeaf) };
var o0 = new ForecastOptions();
var options = o0 with { BacktestOrigins = (int)D("FC_B", o0.BacktestOrigins), Ets = D("FC_ETS", 1) > 0, RefitOnAll = D("FC_REFIT", 0) > 0, ChallengerMargin = D("FC_MARGIN", 0.1), IntervalScale = D("FC_SCALE", 1), GlobalModel = D("FC_GLOBAL", 1) > 0, Global = g };
var engine = new ForecastEngine(options);
// per series, per policy: abs error sum, count, in80, in95
var policies = new[] { "engine", "global", "median7", "naive", "ets", "argmin{global,median7}", "avg(global,median7)", "median(global,median7,naive)", "argmin-all-margin10", "combo", "argmin{combo,global,median7}", "argmin{combo,median7}", "argmin-all-margin10-but-combo", "argmin-all" };
var acc = new Dictionary<(int, string), double[]>();
var keep = Enumerable.Range(0, regular.Count).Where(i => regular[i].Length >= window + 24 + (origins - 1) * 24
    && Enumerable.Range(0, origins).All(j => { var s = regular[i]; var origin = s.Length - 24 - (origins - 1 - j) * 24; return s.Slice(origin - window, window).MissingCount < window; })).ToList();
foreach (var i in Enumerable.Range(0, regular.Count).Except(keep)) Console.WriteLine($"excluded {names[i]}: too short or a window without data");
var totalSw = System.Diagnostics.Stopwatch.StartNew();
for (var j = 0; j < origins; j++)
{
    var hist = keep.Select(i => { var s = regular[i]; var origin = s.Length - 24 - (origins - 1 - j) * 24; return s.Slice(origin - window, window); }).ToArray();
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var res = engine.EvaluateMany(hist, 24, includeCandidates: true);
    Console.Error.WriteLine(FormattableString.Invariant($"origin {j + 1}: {sw.Elapsed.TotalSeconds:0.0} s, load {File.ReadAllText("/proc/loadavg").Trim()}"));
    for (var k = 0; k < keep.Count; k++)
    {
        var i = keep[k]; var s = regular[i]; var origin = s.Length - 24 - (origins - 1 - j) * 24;
        var r = res[k];
        Forecast? C(string m) => r.Candidates.FirstOrDefault(c => c.Model == m);
        double Mae(string m) => r.Ranking.FirstOrDefault(x => x.Model == m)?.Mae ?? double.NaN;
        var glob = C(ForecastEngine.GlobalName); var med = C(ForecastEngine.MedianName)!; var nai = C("seasonal-naive-daily")!; var ets = C(ForecastEngine.EtsName);
        foreach (var p in policies)
        {
            double[] mean; Forecast iv;
            switch (p)
            {
                case "engine": iv = r.Selected; mean = iv.Mean; break;
                case "global": iv = glob ?? med; mean = iv.Mean; break;
                case "median7": iv = med; mean = iv.Mean; break;
                case "naive": iv = nai; mean = iv.Mean; break;
                case "ets": iv = ets ?? med; mean = iv.Mean; break;
                case "argmin{global,median7}": iv = glob is not null && Mae(glob.Model) < Mae(med.Model) ? glob : med; mean = iv.Mean; break;
                case "avg(global,median7)": iv = glob ?? med; mean = glob is null ? med.Mean : glob.Mean.Zip(med.Mean, (a, b) => (a + b) / 2).ToArray(); break;
                case "median(global,median7,naive)": iv = glob ?? med; mean = glob is null ? med.Mean : Enumerable.Range(0, 24).Select(h => new[] { glob.Mean[h], med.Mean[h], nai.Mean[h] }.Order().ElementAt(1)).ToArray(); break;
                case "argmin-all-margin10":
                    {
                        var best = r.Ranking.Where(x => !double.IsNaN(x.Mae)).OrderBy(x => x.Model is ForecastEngine.GlobalName or ForecastEngine.MedianName ? x.Mae : x.Mae * 1.1).First().Model;
                        iv = C(best)!; mean = iv.Mean; break;
                    }
                case "combo": iv = C(ForecastEngine.ComboName) ?? med; mean = iv.Mean; break;
                case "argmin{combo,global,median7}":
                case "argmin{combo,median7}":
                case "argmin-all-margin10-but-combo":
                case "argmin-all":
                    {
                        var set = p switch { "argmin{combo,global,median7}" => new[] { ForecastEngine.ComboName, ForecastEngine.GlobalName, ForecastEngine.MedianName }, "argmin{combo,median7}" => new[] { ForecastEngine.ComboName, ForecastEngine.MedianName }, _ => null };
                        var best = r.Ranking.Where(x => !double.IsNaN(x.Mae) && (set is null || set.Contains(x.Model))).OrderBy(x => p == "argmin-all-margin10-but-combo" && x.Model != ForecastEngine.ComboName ? x.Mae * 1.1 : x.Mae).ThenBy(x => x.Model == ForecastEngine.ComboName ? 0 : 1).First().Model;
                        iv = C(best)!; mean = iv.Mean; break;
                    }
                default:
                    iv = glob is not null && Mae(glob.Model) < Mae(med.Model) ? glob : med;
                    mean = glob is not null && Mae(glob.Model) < Mae(med.Model) ? glob.Mean : glob is null ? med.Mean : glob.Mean.Zip(med.Mean, (a, b) => (a + b) / 2).ToArray(); break;
            }
            if (!acc.TryGetValue((i, p), out var a)) { a = new double[4]; acc[(i, p)] = a; }
            for (var h = 0; h < 24; h++)
            {
                var y = s.Values[origin + h]; if (double.IsNaN(y)) continue;
                a[0] += Math.Abs(y - mean[h]); a[1]++;
                var shift = mean[h] - iv.Mean[h];
                a[2] += y >= iv.Lower80[h] + shift && y <= iv.Upper80[h] + shift ? 1 : 0;
                a[3] += y >= iv.Lower95[h] + shift && y <= iv.Upper95[h] + shift ? 1 : 0;
            }
        }
    }
}
Console.WriteLine(FormattableString.Invariant($"total {totalSw.Elapsed.TotalSeconds:0.0} s"));
foreach (var grp in new[] { "(all)" }.Concat(groups.Distinct()))
{
    var members = keep.Where(i => (grp == "(all)" || groups[i] == grp) && acc[(i, "naive")][0] > 1e-9).ToArray();
    Console.WriteLine($"== {grp}: {members.Length} series");
    foreach (var p in policies.OrderBy(p => members.Average(i => Math.Log(acc[(i, p)][0] / acc[(i, "naive")][0]))))
    {
        var gm = Math.Exp(members.Average(i => Math.Log(acc[(i, p)][0] / acc[(i, "naive")][0])));
        var n = members.Sum(i => acc[(i, p)][1]);
        Console.WriteLine(FormattableString.Invariant($"  {p,-30} {gm:0.000} cov80 {members.Sum(i => acc[(i, p)][2]) / n:0.000} cov95 {members.Sum(i => acc[(i, p)][3]) / n:0.000}"));
    }
}
