using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KvmMetrics.Exposition;
using KvmMetrics.TestSupport;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Hosting;
using KvmMetrics.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KvmMetrics.Web.Tests.Exposition;

/// <summary>
/// A real Prometheus scrapes hostile label values and HELP text from a real Kestrel, once as
/// OpenMetrics (Prometheus' own Accept header) and once as text 0.0.4: both scrapes succeed and every
/// label value arrives exactly (lone surrogates as U+FFFD).
/// </summary>
public class PrometheusScrapeTests
{
    private static readonly string[] HostileValues =
    [
        "", "plain", "quote\"inside", "back\\slash", "new\nline", "tab\tcr\r", "\\n literal", "\\\"", "{}=,#", "é€😀",
        "lone \uD800 high", "lone \uDC00 low", "\uFEFFbom", "\u2028sep", "nul\0byte", " leading and trailing ",
    ];

    private static MetricSet HostileSet(int seed, out int samples)
    {
        var random = new Random(seed);
        var builder = new MetricSetBuilder();
        var gauge = new MetricDescriptor("kvm_scrape_value", MetricType.Gauge, "Gauge with \"quotes\", back\\slash and\nnewline \uD800.", "v", "i");
        var counter = new MetricDescriptor("kvm_scrape_events_total", MetricType.Counter, "Counter.", "v");
        var odd = new MetricDescriptor("kvm_scrape_odd_total", MetricType.Counter, "Counter with NaN (exposed as unknown in OpenMetrics).", "v");
        var info = new MetricDescriptor("kvm_scrape_build_info", MetricType.Info, "Info.", "version");
        var special = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e-300, 1.7976931348623157E+308, 0.1, 12345678901234567 };
        samples = 0;
        for (var i = 0; i < HostileValues.Length; i++)
        {
            builder.Add(gauge, special[i % special.Length], HostileValues[i], i.ToString(CultureInfo.InvariantCulture));
            builder.Add(counter, random.Next(0, 1000), HostileValues[i]);
            builder.Add(odd, i == 3 ? double.NaN : i, HostileValues[i]);
            samples += 3;
        }

        // Random BMP strings, surrogates included.
        for (var i = 0; i < 50; i++)
        {
            var chars = new char[random.Next(0, 20)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = (char)random.Next(0, 0x10000);
            }

            builder.Add(gauge, random.NextDouble() * 1e6, new string(chars), "r" + i.ToString(CultureInfo.InvariantCulture));
            samples++;
        }

        builder.Add(info, 1, "1.0 \"beta\"");
        samples++;
        return builder.Build();
    }

    [SkippableFact]
    public async Task RealPrometheus_ScrapesHostileSet_InBothFormats()
    {
        var prometheus = Requirements.RequireTool("prometheus");
        var seed = Environment.TickCount;
        var set = HostileSet(seed, out var sampleCount);
        await using var host = await TestWebHost.StartAsync(WebConfig.Default, app =>
        {
            app.MapKvmMetrics("/metrics", _ => Task.FromResult(set));
            app.MapGet("/metrics-text", async context =>
            {
                // Prometheus 2.42 always offers OpenMetrics first; this path forces the text format.
                context.Response.ContentType = TextFormatWriter.ContentType;
                using var buffer = new MemoryStream();
                TextFormatWriter.Write(set, buffer);
                await context.Response.Body.WriteAsync(buffer.ToArray());
            });
        });

        using var dir = new TempDir();
        var port = FreePort();
        var target = host.BaseAddress.Authority;
        var config = dir.Write("prometheus.yml", $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: om
                static_configs: [{"{"} targets: ['{target}'] {"}"}]
              - job_name: text
                metrics_path: /metrics-text
                static_configs: [{"{"} targets: ['{target}'] {"}"}]
            """);
        var start = new ProcessStartInfo(prometheus)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(dir.Path, "data"), $"--web.listen-address=127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            string? problem = "not scraped yet";
            while (deadline.Elapsed < TimeSpan.FromSeconds(60) && problem is not null)
            {
                await Task.Delay(500);
                problem = await CheckTargetsAsync(client, sampleCount);
            }

            Assert.True(problem is null, $"seed {seed}: {problem}\n{log}");

            foreach (var job in new[] { "om", "text" })
            {
                var values = await LabelValuesAsync(client, job);
                foreach (var v in HostileValues.Where(v => v.Length > 0))
                {
                    var expected = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(v));
                    Assert.True(values.Contains(expected), $"job {job}, seed {seed}: label value {JsonSerializer.Serialize(expected)} missing");
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    // null when both targets are up with the expected number of samples and no error.
    private static async Task<string?> CheckTargetsAsync(HttpClient client, int sampleCount)
    {
        try
        {
            using var targets = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative)));
            var active = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToList();
            if (active.Count != 2)
            {
                return $"{active.Count} active targets";
            }

            foreach (var t in active)
            {
                var job = t.GetProperty("labels").GetProperty("job").GetString();
                if (t.GetProperty("health").GetString() != "up")
                {
                    return $"job {job}: health {t.GetProperty("health").GetString()}, error '{t.GetProperty("lastError").GetString()}'";
                }
            }

            using var scraped = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/query?query=scrape_samples_scraped", UriKind.Relative)));
            foreach (var r in scraped.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var job = r.GetProperty("metric").GetProperty("job").GetString();
                var n = int.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                if (n != sampleCount)
                {
                    return $"job {job}: scraped {n} samples, expected {sampleCount}";
                }
            }

            return null;
        }
        catch (HttpRequestException e)
        {
            return "prometheus not answering: " + e.Message;
        }
    }

    private static async Task<HashSet<string>> LabelValuesAsync(HttpClient client, string job)
    {
        var url = "/api/v1/series?match[]=" + Uri.EscapeDataString($"{{job=\"{job}\",__name__=~\"kvm_scrape_.*\"}}");
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri(url, UriKind.Relative)));
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var series in doc.RootElement.GetProperty("data").EnumerateArray())
        {
            if (series.TryGetProperty("v", out var v))
            {
                values.Add(v.GetString()!);
            }
        }

        return values;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
