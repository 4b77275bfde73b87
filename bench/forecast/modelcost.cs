#:project ../../src/KvmMetrics.Analysis/KvmMetrics.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// Per-model fit+forecast cost on a 28-day hourly synthetic series (diagnostics for tuning the engine).
using System.Diagnostics;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

var rng = new Random(1);
var y = new double[672];
for (var i = 0; i < y.Length; i++) y[i] = 2 + Math.Sin(2 * Math.PI * i / 24) + (0.3 * rng.NextDouble());
var seasons = Seasonality.ForStep(3600);
foreach (var m in ForecastEngine.DefaultModels())
{
    m.Fit(y, seasons).Forecast(24);
    var t0 = Cpu();
    var n = 200;
    for (var k = 0; k < n; k++) m.Fit(y, seasons).Forecast(24);
    var full = (Cpu() - t0) / n;
    var warm = m.Fit(y, seasons);
    t0 = Cpu();
    for (var k = 0; k < n; k++) m.Fit(y, seasons, warm).Forecast(24);
    Console.WriteLine($"{m.Name,-24} full {full,8:0.000} ms  warm {(Cpu() - t0) / n,8:0.000} ms (CPU time)");
}
var engine = new ForecastEngine();
var series = new RegularSeries(0, 3600, y);
engine.Forecast(series, 24);
var c0 = Cpu();
for (var k = 0; k < 100; k++) engine.Forecast(series, 24);
Console.WriteLine($"engine.Forecast {(Cpu() - c0) / 100:0.00} ms CPU/series (1 thread)");
