namespace KvmMetrics.Options.Tests;

public sealed class OptTests
{
    [Fact]
    public void Duration_OutOfRange_ErrorNamesSourceValueAndRange()
    {
        var o = Opt.Duration("scrape.timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "Deadline.");
        Assert.False(o.TryParse("6m", "--scrape.timeout", out var v, out var error));
        Assert.Equal(TimeSpan.FromSeconds(10), v);
        Assert.Equal("--scrape.timeout: '6m' is out of range; accepted: a duration 100ms..5m (such as 30s, 5m, 1h30m, 7d)", error);
    }

    [Fact]
    public void Duration_ZeroMeansOff_AcceptsZeroButNotBelowMin()
    {
        var o = Opt.Duration("collection.interval", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "Period.", zeroMeansOff: true);
        Assert.True(o.TryParse("0s", "x", out var zero, out _));
        Assert.Equal(TimeSpan.Zero, zero);
        Assert.False(o.TryParse("500ms", "x", out _, out var error));
        Assert.Contains("0s (off) or a duration 1s..1h", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultText_IsTheFormattedDefault()
    {
        Assert.Equal("1h30m", Opt.Duration("d", TimeSpan.FromMinutes(90), TimeSpan.Zero, TimeSpan.FromDays(1), "D.").DefaultText);
        Assert.Equal("7", Opt.Int("n", 7, 1, 9, "N.").DefaultText);
        Assert.Equal("(none)", Opt.Text("t", null, "text", "T.").DefaultText);
    }

    [Theory]
    [InlineData("0", "is out of range")]
    [InlineData("x", "is not an integer")]
    [InlineData("1.5", "is not an integer")]
    public void Int_Invalid_SaysWhy(string text, string why)
    {
        Assert.False(Opt.Int("origins", 14, 1, 10, "O.").TryParse(text, "--origins", out _, out var error));
        Assert.Equal($"--origins: '{text}' {why}; accepted: an integer 1..10", error);
    }

    [Fact]
    public void Switch_BareMeansTrue_AndExplicitFalseWorks()
    {
        var o = Opt.Switch("json", "J.");
        Assert.True(o.TryParse(null, "--json", out var bare, out _) && bare);
        Assert.True(o.TryParse("false", "environment KVM_ANALYZER_JSON", out var off, out _));
        Assert.False(off);
        Assert.False(o.TryParse("maybe", "--json", out _, out var error));
        Assert.Contains("true or false", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NonSwitch_Bare_NeedsAValue()
    {
        Assert.False(Opt.Int("n", 1, 1, 2, "N.").TryParse(null, "--n", out _, out var error));
        Assert.Equal("--n: a value is required; accepted: an integer 1..2", error);
    }

    [Fact]
    public void Secret_IsNeverEchoed()
    {
        var o = new Option<string?>("token", null, "a token", "T.", (string t, out string? v, out string? p) =>
        {
            v = null;
            p = "is too short";
            return false;
        }) { IsSecret = true };
        Assert.False(o.TryParse("hunter2", "--token", out _, out var error));
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Choice_IsCaseInsensitive_AndListsTheChoices()
    {
        var o = Opt.Choice("pdf", "auto", ["auto", "off"], "P.");
        Assert.True(o.TryParse("OFF", "--pdf", out var v, out _));
        Assert.Equal("off", v);
        Assert.False(o.TryParse("on", "--pdf", out _, out var error));
        Assert.Equal("--pdf: 'on' is not one of the choices; accepted: auto, off", error);
    }

    [Fact]
    public void HttpUrl_RejectsCredentialsAndOtherSchemes()
    {
        var o = Opt.HttpUrl("influx.url", "http://influxdb:8086", "U.");
        Assert.True(o.TryParse("https://db:8086", "x", out var u, out _));
        Assert.Equal("https://db:8086/", u!.ToString());
        Assert.False(o.TryParse("http://user:pw@db:8086", "x", out _, out _));
        Assert.False(o.TryParse("ftp://db", "x", out _, out _));
    }

    [Fact]
    public void EnvironmentName_UpperCasesAndReplacesSeparators()
    {
        Assert.Equal("KVM_ANALYZER_INFLUX_WRITE_BUFFER_DIR", OptionDefinition.EnvironmentName("KVM_ANALYZER_", "influx.write.buffer-dir"));
    }
}
