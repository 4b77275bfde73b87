using System.Collections;
using System.Globalization;
using System.Net.Http.Headers;
using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>The real exporter, in-process on 127.0.0.1:&lt;free port&gt;, with an HTTP client and exposition parsing helpers.</summary>
public sealed class ExporterUnderTest : IAsyncDisposable
{
    private ExporterUnderTest(ExporterApp app)
    {
        App = app;
        Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public ExporterApp App { get; }

    public HttpClient Http { get; }

    /// <summary><c>host:port</c> for a Prometheus target.</summary>
    public string Target => App.BaseAddress.Authority;

    public static async Task<ExporterUnderTest> StartAsync(IEnumerable<string> args, ILibvirtClient? client = null)
    {
        var parsed = ExporterOptions.Parse(["--web.listen-address=127.0.0.1:0", .. args], new Hashtable());
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var app = ExporterApp.Create(parsed.Options!, client);
        await app.StartAsync();
        return new ExporterUnderTest(app);
    }

    public async Task<string> ScrapeAsync(string? accept = null, double? timeoutHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        if (timeoutHeader is { } t)
        {
            request.Headers.Add(ExporterApp.ScrapeTimeoutHeader, t.ToString(CultureInfo.InvariantCulture));
        }

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>
    /// Scrapes until the libvirt collectors succeeded (up to <paramref name="attempts"/> times): on a host shared with
    /// other busy clients a round can miss its deadline, which the page reports; assertions about values need a good round.
    /// </summary>
    public async Task<IReadOnlyList<ExpositionText.Line>> ScrapeHealthyAsync(int attempts = 4)
    {
        var outcomes = new List<string>();
        for (var i = 0; i < attempts; i++)
        {
            var lines = ExpositionText.Parse(await ScrapeAsync());
            var failed = lines.Where("kvm_exporter_collector_success").Where(l => l.Value == 0 && l.Labels["collector"] != "cgroup").ToArray();
            if (failed.Length == 0)
            {
                return lines;
            }

            outcomes.Add(string.Join(",", failed.Select(l => l.Labels["collector"])) + " failed after " +
                         string.Join(",", lines.Where("kvm_exporter_collector_duration_seconds").Select(l => l.Labels["collector"] + "=" + l.Value.ToString("0.00", CultureInfo.InvariantCulture))));
        }

        Assert.Fail("no successful round in " + attempts + " scrapes: " + string.Join("; ", outcomes));
        return [];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>Minimal parser of the text format for assertions (name, labels, value).</summary>
public static class ExpositionText
{
    public sealed record Line(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static IReadOnlyList<Line> Parse(string text)
    {
        var result = new List<Line>();
        foreach (var raw in text.Split('\n'))
        {
            if (raw.Length == 0 || raw[0] == '#')
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = raw.IndexOfAny(['{', ' ']);
            var name = raw[..i];
            if (raw[i] == '{')
            {
                i++;
                while (raw[i] != '}')
                {
                    var eq = raw.IndexOf('=', i);
                    var key = raw[i..eq];
                    var sb = new System.Text.StringBuilder();
                    var j = eq + 2;
                    for (; raw[j] != '"'; j++)
                    {
                        if (raw[j] == '\\')
                        {
                            j++;
                            sb.Append(raw[j] == 'n' ? '\n' : raw[j]);
                        }
                        else
                        {
                            sb.Append(raw[j]);
                        }
                    }

                    labels[key] = sb.ToString();
                    i = j + 1;
                    if (raw[i] == ',')
                    {
                        i++;
                    }
                }

                i++;
            }

            var valueText = raw[(i + 1)..].Split(' ')[0];
            var value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            result.Add(new Line(name, labels, value));
        }

        return result;
    }

    public static IEnumerable<Line> Where(this IReadOnlyList<Line> lines, string name, string? domain = null) =>
        lines.Where(l => l.Name == name && (domain is null || l.Labels.GetValueOrDefault("domain") == domain));

    public static double Single(this IReadOnlyList<Line> lines, string name, string? domain = null, params (string Key, string Value)[] labels) =>
        lines.Where(name, domain).Single(l => labels.All(kv => l.Labels.GetValueOrDefault(kv.Key) == kv.Value)).Value;
}
