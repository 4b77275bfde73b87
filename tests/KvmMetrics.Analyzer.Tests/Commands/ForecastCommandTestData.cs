using System.Globalization;
using System.Text;
using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Tests.Commands;

/// <summary>Small generated history files and an in-process runner for the forecasting command tests.</summary>
internal sealed class ForecastCommandTestData : IDisposable
{
    public ForecastCommandTestData() => Directory.CreateDirectory(Dir);

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "kvm-forecast-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a history CSV: per entity, 30-minute samples of a daily sine with noise over <paramref name="days"/> days.</summary>
    public string History(int days, params string[] entities)
    {
        var rng = new Random(4);
        var text = new StringBuilder("timestamp,entity,metric,value\n");
        const long start = 1_700_006_400; // a midnight, UTC
        foreach (var entity in entities)
        {
            for (var i = 0; i < days * 48; i++)
            {
                var hour = i / 2.0;
                var value = 4 + (2 * Math.Sin(2 * Math.PI * hour / 24)) + (0.3 * rng.NextDouble());
                text.Append(CultureInfo.InvariantCulture, $"{start + (i * 1800)},{entity},cpu_cores,{value:R}\n");
            }
        }

        return Write("history.csv", text.ToString());
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await Program.RunAsync(args, new CommandContext(output, error, TimeProvider.System), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp dir is harmless
        }
    }
}
