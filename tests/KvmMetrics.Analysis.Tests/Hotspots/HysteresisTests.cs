using KvmMetrics.Analysis.Hotspots;

namespace KvmMetrics.Analysis.Tests.Hotspots;

public class HysteresisTests
{
    private static readonly HysteresisOptions Options = new(Enter: 0.8, Exit: 0.75, SustainSamples: 3, ClearSamples: 3);

    private static IReadOnlyList<Episode> Run(params double[] values) =>
        Hysteresis.Detect([.. Enumerable.Range(0, values.Length).Select(i => i * 300L)], values, Options);

    [Fact]
    public void Detect_SingleSpike_FindsNothing()
    {
        Assert.Empty(Run(0.5, 0.5, 0.99, 0.5, 0.5, 0.5));
    }

    [Fact]
    public void Detect_SustainedAboveWatermark_OpensAtTheStartOfTheRun()
    {
        var e = Assert.Single(Run(0.5, 0.85, 0.9, 0.95, 0.9, 0.5, 0.5, 0.5));

        Assert.Equal(300, e.Start);
        Assert.Equal(1500, e.End);
        Assert.Equal(0.95, e.Peak);
    }

    [Fact]
    public void Detect_StillHotAtTheEnd_StaysOpen()
    {
        var e = Assert.Single(Run(0.9, 0.9, 0.9, 0.9));

        Assert.Null(e.End);
    }

    [Fact]
    public void Detect_OscillationAroundTheThreshold_DoesNotFlap()
    {
        // Once open, dips to 0.78 (between exit and enter) do not close it; before it opens, alternating
        // values never make three in a row.
        Assert.Empty(Run(0.82, 0.78, 0.82, 0.78, 0.82, 0.78, 0.82));
        var e = Assert.Single(Run(0.85, 0.85, 0.85, 0.78, 0.82, 0.7, 0.79, 0.81, 0.7, 0.78, 0.85));
        Assert.Null(e.End);
    }

    [Fact]
    public void Detect_GapInsideAnEpisode_DoesNotCloseIt()
    {
        var e = Assert.Single(Run(0.9, 0.9, 0.9, double.NaN, double.NaN, double.NaN, double.NaN, 0.9));

        Assert.Null(e.End);
    }

    [Fact]
    public void Detect_ExitAboveEnter_Throws()
    {
        Assert.Throws<ArgumentException>(() => Hysteresis.Detect([0], [1], new HysteresisOptions(0.5, 0.6, 1, 1)));
    }
}
