using System.Text.Json;

namespace KvmMetrics.Analyzer.Tests.Commands;

public sealed class BacktestCommandTests : IDisposable
{
    private readonly ForecastCommandTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Backtest_PrintsAPerModelTableWithTheSelectedRow()
    {
        var history = _data.History(16, "vm-a", "vm-b");

        var (code, stdout, error) = await ForecastCommandTestData.RunAsync("backtest", "--history", history, "--step", "1h", "--horizon", "24h", "--origins", "3", "--window", "12d");

        Assert.True(code == 0, error);
        Assert.Contains("2 series evaluated, 0 excluded", stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^seasonal-naive-daily\s+1\.000\s+2\s", stdout);
        Assert.Matches(@"(?m)^selected\s+\d\.\d{3}\s+2\s", stdout);
        Assert.Contains("holt-winters-damped", stdout, StringComparison.Ordinal);
        Assert.Contains("global-lightgbm", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_Json_IsMachineReadable()
    {
        var history = _data.History(16, "vm-a");

        var (code, stdout, error) = await ForecastCommandTestData.RunAsync("backtest", "--history", history, "--origins", "2", "--window", "12d", "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("evaluated").GetInt32());
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Contains(rows, r => r.GetProperty("Model").GetString() == "selected");
        var baseline = rows.Single(r => r.GetProperty("Model").GetString() == "seasonal-naive-daily");
        Assert.Equal(1.0, baseline.GetProperty("AvgRelMae").GetDouble(), 9);
    }

    [Fact]
    public async Task Backtest_AllSeriesTooShort_ExitsTwoWithTheRequirement()
    {
        var history = _data.History(5, "vm-a");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("backtest", "--history", history, "--origins", "14");

        Assert.Equal(2, code);
        Assert.Contains("vm-a/cpu_cores", error, StringComparison.Ordinal);
        Assert.Contains("needs 1008", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_MalformedHeader_ExitsTwoNamingLineOne()
    {
        var history = _data.Write("h.csv", "time,vm,value\n1,a,2\n");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("backtest", "--history", history);

        Assert.Equal(2, code);
        Assert.Contains("h.csv:1:", error, StringComparison.Ordinal);
    }

    [Theory]
    // The invocations docs/forecasting.md shows, on the bundled 40-day sample (192 series).
    [InlineData("--step", "1h", "--horizon", "24h", "--origins", "14")]
    [InlineData("--step", "1h", "--horizon", "24h", "--origins", "5", "--json")]
    public async Task Backtest_DocumentedInvocations_WorkOnTheBundledSample(params string[] options)
    {
        var (_, history) = KvmMetrics.Analyzer.Sample.BundledSample.WriteFiles(_data.Dir);

        var (code, stdout, error) = await ForecastCommandTestData.RunAsync(new[] { "backtest", "--history", history }.Concat(options).ToArray());

        Assert.True(code == 0, error);
        if (options.Contains("--json"))
        {
            using var doc = JsonDocument.Parse(stdout);
            Assert.True(doc.RootElement.GetProperty("evaluated").GetInt32() > 100);
            Assert.Equal(5, doc.RootElement.GetProperty("settings").GetProperty("origins").GetInt32());
        }
        else
        {
            Assert.Matches(@"^\d{3} series evaluated", stdout);
            Assert.Matches(@"(?m)^selected\s+0\.\d{3}\s", stdout);
            Assert.Contains("--window default 28d shortened", error, StringComparison.Ordinal);
        }
    }
}
