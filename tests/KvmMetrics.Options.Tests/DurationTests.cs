namespace KvmMetrics.Options.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5m", 90)]
    [InlineData("7d", 604_800)]
    [InlineData("1w", 604_800)]
    [InlineData("2w3d", 1_468_800)]
    [InlineData("1y", 31_536_000)]
    [InlineData("2us", 0.000002)]
    [InlineData("  10s ", 10)]
    public void TryParse_AcceptedForms_GiveTheDuration(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("2.5")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData("-1s")]
    [InlineData("1s-")]
    [InlineData("1..5s")]
    [InlineData("10 s")]
    [InlineData(null)]
    public void TryParse_Malformed_IsRejected(string? text)
    {
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(0.25, "250ms")]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h")]
    [InlineData(604_800, "7d")]
    [InlineData(2_419_200, "28d")]
    [InlineData(5400.5, "1h30m500ms")]
    public void Format_WritesLargestUnitsFirst(double seconds, string expected)
    {
        Assert.Equal(expected, Duration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData("1h30m")]
    [InlineData("36h")]
    [InlineData("13d")]
    [InlineData("250ms")]
    public void Format_RoundTripsThroughTryParse(string text)
    {
        Assert.True(Duration.TryParse(text, out var d));
        Assert.True(Duration.TryParse(Duration.Format(d), out var again));
        Assert.Equal(d, again);
    }
}
