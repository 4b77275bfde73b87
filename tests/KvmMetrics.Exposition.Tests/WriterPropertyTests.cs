using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Exposition.Tests.Generators;
using KvmMetrics.Exposition.Tests.Parsing;

namespace KvmMetrics.Exposition.Tests;

/// <summary>
/// Hostile input (arbitrary label values and HELP, special values, colliding names): the output of
/// both writers always parses with the strict parser and carries exactly the input.
/// </summary>
public class WriterPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(1000);

    [Fact]
    public void TextFormat_ArbitraryInput_ParsesStrictlyAndRoundTrips()
    {
        Prop.ForAll(ExpositionGenerators.Arbitrary, c =>
        {
            using var stream = new MemoryStream();
            TextFormatWriter.Write(c.Build(), stream);
            var parsed = StrictExpositionParser.ParseText(stream.ToArray());
            AssertSameContent(Expected(c, openMetrics: false), parsed);
        }).Check(Config);
    }

    [Fact]
    public void OpenMetrics_ArbitraryInput_ParsesStrictlyAndRoundTrips()
    {
        Prop.ForAll(ExpositionGenerators.Arbitrary, c =>
        {
            using var stream = new MemoryStream();
            OpenMetricsWriter.Write(c.Build(), stream);
            var parsed = StrictExpositionParser.ParseOpenMetrics(stream.ToArray());
            AssertSameContent(Expected(c, openMetrics: true), parsed);
        }).Check(Config);
    }

    /// <summary>What must come out, computed from the generated input without the writer or the builder.</summary>
    internal static List<ParsedFamily> Expected(ExpositionCase c, bool openMetrics)
    {
        var result = new List<ParsedFamily>();
        foreach (var f in c.Families)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var samples = new List<ParsedSample>();
            foreach (var (values, value) in f.Samples)
            {
                var clean = values.Select(Utf8RoundTrip).ToArray();
                if (!seen.Add(string.Join("\u0001", clean)))
                {
                    continue;
                }

                var labels = f.LabelNames.Zip(clean, (n, v) => new KeyValuePair<string, string>(n, v)).ToList();
                samples.Add(new ParsedSample(f.Name, labels, f.Type == MetricType.Info ? 1 : value));
            }

            var demoted = openMetrics && f.Type == MetricType.Counter && samples.Any(x => double.IsNaN(x.Value) || x.Value < 0);
            var familyName = !openMetrics || demoted ? f.Name : f.Type switch
            {
                MetricType.Counter => f.Name[..^"_total".Length],
                MetricType.Info => f.Name[..^"_info".Length],
                _ => f.Name,
            };
            var type = demoted ? "unknown" : f.Type switch
            {
                MetricType.Counter => "counter",
                MetricType.Info => openMetrics ? "info" : "gauge",
                MetricType.Gauge => "gauge",
                _ => openMetrics ? "unknown" : "untyped",
            };
            result.Add(new ParsedFamily(familyName, type, Utf8RoundTrip(f.Help), samples));
        }

        // OpenMetrics: one family per family name, the one whose sample name sorts first.
        return result
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Samples[0].Name, StringComparer.Ordinal)
            .GroupBy(f => f.Name, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
    }

    internal static void AssertSameContent(List<ParsedFamily> expected, List<ParsedFamily> actual)
    {
        Assert.Equal(expected.Select(f => f.Name), actual.Select(f => f.Name));
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Type, a.Type);
            Assert.Equal(e.Help, a.Help);
            Assert.Equal(e.Samples.Count, a.Samples.Count);
            for (var s = 0; s < e.Samples.Count; s++)
            {
                Assert.Equal(e.Samples[s].Name, a.Samples[s].Name);
                Assert.Equal(e.Samples[s].Labels, a.Samples[s].Labels);
                var ev = e.Samples[s].Value;
                var av = a.Samples[s].Value;
                Assert.True(double.IsNaN(ev) ? double.IsNaN(av) : ev == av, $"value {ev:R} came back as {av:R}");
            }
        }
    }

    // What a UTF-8 encoder with replacement makes of a .NET string: lone surrogates become U+FFFD.
    private static string Utf8RoundTrip(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
}
