using System.Globalization;
using System.IO.Compression;

namespace KvmMetrics.Analyzer.Tests.Commands;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly ForecastCommandTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Forecast_WritesOneRowPerSeriesAndStepWithOrderedIntervals()
    {
        var history = _data.History(21, "vm-a", "vm-b");
        var output = Path.Combine(_data.Dir, "forecast.csv");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", history, "--step", "1h", "--horizon", "24h", "--output", output);

        Assert.True(code == 0, error);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal("entity,metric,timestamp,mean,lower80,upper80,lower95,upper95,model", lines[0]);
        Assert.Equal(1 + 48, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(("vm-a", "cpu_cores"), (first[0], first[1]));
        // The history ends at the last sample's hour; the forecast starts at the next hour.
        Assert.Equal(1_700_006_400 + (21 * 86_400), long.Parse(first[2], CultureInfo.InvariantCulture));
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            var v = f[3..8].Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(v[3] <= v[1] && v[1] <= v[2] && v[2] <= v[4], line);
            Assert.InRange(v[0], 1, 7);
            Assert.False(string.IsNullOrEmpty(f[8]));
        }

        Assert.Contains("forecast: 2 series", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_MalformedValue_ExitsTwoNamingTheLine()
    {
        var history = _data.Write("bad.csv", "timestamp,entity,metric,value\n1700000000,vm-a,cpu_cores,1.5\n1700003600,vm-a,cpu_cores,lots\n");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", history);

        Assert.Equal(2, code);
        Assert.Contains("bad.csv:3:", error, StringComparison.Ordinal);
        Assert.Contains("not a finite number", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_TooShortSeries_WarnsAndStillForecastsTheOthers()
    {
        var history = _data.History(14, "vm-long");
        File.AppendAllText(history, "1700006400,vm-short,cpu_cores,1\n");

        var (code, stdout, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", history);

        Assert.Equal(0, code);
        Assert.Contains("warning: vm-short/cpu_cores: only 1 observed step", error, StringComparison.Ordinal);
        Assert.Equal(1 + 24, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Forecast_HorizonNotAMultipleOfStep_IsAUsageError()
    {
        var history = _data.History(3, "vm-a");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", history, "--step", "1h", "--horizon", "90m");

        Assert.Equal(2, code);
        Assert.Contains("--horizon", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_GzipHistory_GivesTheSameRowsAsThePlainFile()
    {
        var plain = _data.History(21, "vm-a", "vm-b");
        var gz = plain + ".gz";
        await using (var target = File.Create(gz))
        await using (var zip = new GZipStream(target, CompressionLevel.Fastest))
        {
            await zip.WriteAsync(await File.ReadAllBytesAsync(plain));
        }

        var (code1, fromPlain, error1) = await ForecastCommandTestData.RunAsync("forecast", "--history", plain, "--step", "1h", "--horizon", "24h");
        var (code2, fromGz, error2) = await ForecastCommandTestData.RunAsync("forecast", "--history", gz, "--step", "1h", "--horizon", "24h");

        Assert.True(code1 == 0, error1);
        Assert.True(code2 == 0, error2);
        Assert.Equal(1 + 48, fromGz.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(fromPlain, fromGz);
    }

    [Fact]
    public async Task Forecast_BadRowInsideGzip_ExitsTwoWithOneLineNamingFileAndLine()
    {
        var gz = Path.Combine(_data.Dir, "bad.csv.gz");
        await using (var target = File.Create(gz))
        await using (var zip = new GZipStream(target, CompressionLevel.Fastest))
        await using (var writer = new StreamWriter(zip))
        {
            await writer.WriteAsync("timestamp,entity,metric,value\n1700000000,vm-a,cpu_cores,1\n1700003600,vm-a,cpu_cores\n");
        }

        var (code, _, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", gz);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("bad.csv.gz:3:", line, StringComparison.Ordinal);
        Assert.Contains("expected 4 comma-separated fields", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_GzNameButNotGzip_ExitsTwoWithOneLine()
    {
        var fake = _data.Write("plain.csv.gz", "timestamp,entity,metric,value\n1700000000,vm-a,cpu_cores,1\n");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", fake);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("plain.csv.gz", line, StringComparison.Ordinal);
        Assert.Contains("not valid gzip", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_UnknownEngine_IsAUsageError()
    {
        var history = _data.History(3, "vm-a");

        var (code, _, error) = await ForecastCommandTestData.RunAsync("forecast", "--history", history, "--engine", "magic");

        Assert.Equal(2, code);
        Assert.Contains("--engine", error, StringComparison.Ordinal);
    }
}
