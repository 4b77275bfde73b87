using System.Globalization;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Reporting;

/// <summary>How one past forecast turned out against what happened.</summary>
/// <param name="Origin">Unix seconds the forecast was made at (its first step).</param>
/// <param name="Model">Model the engine chose then.</param>
/// <param name="Hours">Hours with an actual value that were compared.</param>
/// <param name="Mae">Mean absolute error, in the series' unit.</param>
/// <param name="ActualMean">Mean of the actual values compared.</param>
/// <param name="Bias">Mean of forecast − actual (positive = over-forecast).</param>
/// <param name="Width95">Mean width of the 95% interval (upper − lower).</param>
/// <param name="Coverage80">Share of hours inside the 80% interval.</param>
/// <param name="Coverage95">Share of hours inside the 95% interval.</param>
public sealed record ForecastScore(long Origin, string Model, int Hours, double Mae, double ActualMean, double Bias, double Width95, double Coverage80, double Coverage95)
{
    /// <summary>MAE as a share of the actual mean (NaN when the mean is not positive).</summary>
    public double MaeShare => ActualMean > 0 ? Mae / ActualMean : double.NaN;

    /// <summary>Compares <paramref name="forecast"/> hour by hour with <paramref name="actual"/> (aligned at its start; NaN = gap).</summary>
    public static ForecastScore? Compare(Forecast forecast, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(actual);
        double abs = 0, bias = 0, sum = 0, width = 0;
        int n = 0, in80 = 0, in95 = 0;
        for (var h = 0; h < Math.Min(actual.Count, forecast.Horizon); h++)
        {
            var y = actual[h];
            if (!double.IsFinite(y))
            {
                continue;
            }

            n++;
            sum += y;
            abs += Math.Abs(forecast.Mean[h] - y);
            bias += forecast.Mean[h] - y;
            width += forecast.Upper95[h] - forecast.Lower95[h];
            in80 += y >= forecast.Lower80[h] && y <= forecast.Upper80[h] ? 1 : 0;
            in95 += y >= forecast.Lower95[h] && y <= forecast.Upper95[h] ? 1 : 0;
        }

        return n == 0 ? null : new ForecastScore(forecast.Start, forecast.Model, n, abs / n, sum / n, bias / n, width / n, (double)in80 / n, (double)in95 / n);
    }
}

/// <summary>Past forecasts of one series, one per week, scored against the week that followed, and their pooled score.</summary>
/// <param name="Weeks">Newest week first.</param>
/// <param name="Pooled">All compared hours together; null when no week could be scored.</param>
/// <param name="Summary">The result in plain words.</param>
public sealed record TrackRecord(IReadOnlyList<ForecastScore> Weeks, ForecastScore? Pooled, string Summary)
{
    private const int Week = 168;

    /// <summary>
    /// Re-runs the forecast engine at the start of each of the last <paramref name="weeks"/> weeks with only the data
    /// before that origin, forecasts 7 days and scores them on what happened. A week whose origin has fewer than
    /// <paramref name="minimumDays"/> days of observed history before it is left out.
    /// </summary>
    public static TrackRecord Weekly(ForecastEngine engine, RegularSeries series, int weeks, string unit, int decimals, double scale = 1, int minimumDays = 7)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(series);
        var scores = new List<ForecastScore>();
        for (var k = 1; k <= weeks; k++)
        {
            var origin = series.Length - (k * Week);
            if (origin <= 0)
            {
                break;
            }

            var past = series with { Values = series.Values[..origin] };
            if (past.Length - past.MissingCount < minimumDays * 24)
            {
                continue;
            }

            var f = engine.Forecast(past, Week);
            var actual = series.Values[origin..Math.Min(series.Length, origin + Week)];
            if (ForecastScore.Compare(Scale(f, scale), [.. actual.Select(x => x / scale)]) is { } s)
            {
                scores.Add(s);
            }
        }

        var pooled = Pool(scores);
        return new TrackRecord(scores, pooled, Words(scores, pooled, unit, decimals));
    }

    /// <summary>Hours-weighted pool of several scores.</summary>
    public static ForecastScore? Pool(IReadOnlyList<ForecastScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var n = scores.Sum(s => s.Hours);
        if (n == 0)
        {
            return null;
        }

        double W(Func<ForecastScore, double> f) => scores.Sum(s => f(s) * s.Hours) / n;
        return new ForecastScore(scores.Min(s => s.Origin), string.Join("/", scores.Select(s => s.Model).Distinct()), n,
            W(s => s.Mae), W(s => s.ActualMean), W(s => s.Bias), W(s => s.Width95), W(s => s.Coverage80), W(s => s.Coverage95));
    }

    /// <summary>The score in a sentence a planner reads: typical error, interval width, how often it held.</summary>
    public static string Words(ForecastScore s, string unit, int decimals)
    {
        ArgumentNullException.ThrowIfNull(s);
        var c = CultureInfo.InvariantCulture;
        string N(double v) => Math.Round(v, decimals).ToString("F" + decimals.ToString(c), c);
        var share = double.IsFinite(s.MaeShare) ? string.Create(c, $" ({s.MaeShare:0%} of the mean {N(s.ActualMean)})") : "";
        var direction = Math.Abs(s.Bias) < 0.05 * Math.Abs(s.ActualMean) ? "without a clear bias" : s.Bias > 0 ? string.Create(c, $"too high by {N(s.Bias)} on average") : string.Create(c, $"too low by {N(-s.Bias)} on average");
        var useful = s.ActualMean > 0 && s.Width95 > s.ActualMean ? "wider than the mean itself, so a single hour is hard to pin down" : "narrow enough to plan with";
        return string.Create(c, $"off by {N(s.Mae)} {unit} per hour on average{share}, {direction}; the 95% interval was {N(s.Width95)} {unit} wide ({useful}) and held {s.Coverage95:0%} of {s.Hours} hours (80% interval: {s.Coverage80:0%})");
    }

    private static string Words(List<ForecastScore> scores, ForecastScore? pooled, string unit, int decimals) => pooled is null
        ? "no week had enough history before it for a forecast"
        : string.Create(CultureInfo.InvariantCulture, $"over the last {scores.Count} week(s) the 7-day forecast was ") + Words(pooled, unit, decimals);

    private static Forecast Scale(Forecast f, double scale) => scale == 1 ? f : f with
    {
        Mean = [.. f.Mean.Select(x => x / scale)],
        Lower80 = [.. f.Lower80.Select(x => x / scale)],
        Upper80 = [.. f.Upper80.Select(x => x / scale)],
        Lower95 = [.. f.Lower95.Select(x => x / scale)],
        Upper95 = [.. f.Upper95.Select(x => x / scale)],
        P95 = [.. f.P95.Select(x => x / scale)],
    };
}
