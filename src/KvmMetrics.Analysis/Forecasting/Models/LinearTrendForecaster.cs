namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Least-squares straight line through the recent history, extrapolated: the model for monotone
/// series such as disk allocation or memory that only grows. On seasonal series model selection
/// ranks it below the seasonal models.
/// </summary>
public sealed class LinearTrendForecaster : IForecaster
{
    private readonly int _window;

    /// <summary>Fits the line to the last <paramref name="window"/> steps (0 = the whole history).</summary>
    public LinearTrendForecaster(int window = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        _window = window;
    }

    /// <inheritdoc />
    public string Name => "linear-trend";

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality) => 3;

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        var data = _window > 0 && history.Length > _window ? history[^_window..] : history;
        var n = data.Length;
        if (n == 0)
        {
            return new Fitted(double.NaN, 0);
        }

        double meanX = (n - 1) / 2.0, meanY = 0;
        foreach (var v in data)
        {
            meanY += v;
        }

        meanY /= n;
        double sxy = 0, sxx = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (i - meanX) * (data[i] - meanY);
            sxx += (i - meanX) * (i - meanX);
        }

        var slope = sxx > 0 ? sxy / sxx : 0;
        return new Fitted(meanY + (slope * (n - 1 - meanX)), slope);
    }

    private sealed class Fitted(double last, double slope) : IFittedForecaster
    {
        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                result[h] = last + (slope * (h + 1));
            }

            return result;
        }
    }
}
