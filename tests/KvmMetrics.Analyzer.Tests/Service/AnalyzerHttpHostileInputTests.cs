using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.TestSupport.Http;
using KvmMetrics.Web.Hosting;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Service;

/// <summary>Hostile HTTP input against every analyzer route: path traversal, arbitrary entities and credentials, oversized headers, write methods.</summary>
public sealed class AnalyzerHttpHostileInputTests : IAsyncLifetime
{
    private static readonly string[] Routes = ["/", "/metrics", "/healthz", "/api/v1/hotspots", "/api/v1/plan", "/api/v1/capacity", "/api/v1/status", "/api/v1/forecasts/kvm03"];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-hostile-");
    private AnalyzerApp _app = null!;

    public async Task InitializeAsync()
    {
        var (cluster, history) = BundledSample.WriteFiles(_dir.FullName);

        var token = Path.Combine(_dir.FullName, "token");
        await File.WriteAllTextAsync(token, "the-right-token\n");
        _app = AnalyzerApp.Create(new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = Path.Combine(_dir.FullName, "data"), ApiTokenFile = token },
            new FileSource(cluster, history), runSchedule: false, logLevel: LogLevel.Warning);
        await _app.StartAsync();
        await _app.Runner.RunOnceAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private Task<RawHttp.Response> Get(string target, params (string, string)[] headers) =>
        RawHttp.SendAsync(_app.BaseAddress, "GET", target, [("Authorization", "Bearer the-right-token"), .. headers]);

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/api/v1/../../../etc/passwd")]
    [InlineData("/api/v1/forecasts/..%2f..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/api/v1/forecasts/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("/api/v1/forecasts/....%2f%2f....%2f%2fetc%2fpasswd")]
    [InlineData("/api/v1/forecasts/%252e%252e%252fetc%252fpasswd")]
    [InlineData("/api/v1/forecasts/..%5c..%5cetc%5cpasswd")]
    [InlineData("/api/v1/forecasts/%00../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/metrics/..%2f..%2fetc%2fpasswd")]
    [InlineData("//etc/passwd")]
    [InlineData("/reports/../../etc/passwd")]
    [InlineData("/data/results.json")]
    [InlineData("/api/v1/forecasts/..%2fresults.json")]
    public async Task PathTraversal_OnEveryRoute_NeverServesAFile(string target)
    {
        var r = await Get(target);
        FileLeak.AssertNone(r, target);
        Assert.DoesNotContain("\"hotspots\"", r.Body, StringComparison.Ordinal); // results.json from --data.dir
    }

    [Fact]
    public void ArbitraryForecastEntity_IsJson_NeverAFile_NeverA5xx()
    {
        var pieces = Gen.Elements("..", ".", "/", "%2f", "%2e", "%5c", "%00", "%252e", "etc", "passwd", "kvm03", "results.json", "data", "\\", "%22", "<script>", "%0a", "%ff", "~", ";");
        var entity = Gen.Frequency(
                (4, pieces),
                (1, Gen.Choose(0x20, 0x7e).Select(c => Uri.EscapeDataString(((char)c).ToString()))))
            .ListOf()
            .Select(p => string.Concat(p));

        Prop.ForAll(entity.ToArbitrary(), e =>
        {
            var target = "/api/v1/forecasts/" + (e.Length == 0 ? "x" : e);
            var r = Get(target).GetAwaiter().GetResult();
            FileLeak.AssertNone(r, target);
            if (r.Status is 200 or 404 && r.Headers.TryGetValue("Content-Type", out var type) && type.StartsWith("application/json", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(r.Body);
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void ArbitraryAuthorization_NeverReachesTheApi()
    {
        var value = Gen.Frequency(
                (3, Gen.Elements("Bearer ", "Basic ", "bearer ", "Bearer  ", "the-right-token", "the-right-toke", "the-right-tokenX", " ", "\t", ",", "=", "%20", "Token ")),
                (1, Gen.Choose(0x21, 0x7e).Select(c => ((char)c).ToString())))
            .ListOf()
            .Select(p => string.Concat(p))
            .Where(v => !IsTheToken(v));

        Prop.ForAll(value.ToArbitrary(), v =>
        {
            var r = RawHttp.SendAsync(_app.BaseAddress, "GET", "/api/v1/plan", [("Authorization", v), ("X-Api-Token", v)]).GetAwaiter().GetResult();
            return r.Status is 401 or 400;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    /// <summary>The values that legitimately carry the token: the token itself (X-Api-Token) or "Bearer" and the token,
    /// with any surrounding whitespace (HTTP trims header values; the token is trimmed after the scheme).</summary>
    private static bool IsTheToken(string value)
    {
        var v = value.Trim();
        return v == "the-right-token" || (v.StartsWith("Bearer ", StringComparison.Ordinal) && v["Bearer ".Length..].Trim() == "the-right-token");
    }

    [Fact]
    public async Task OversizedOrTooManyHeaders_OnEveryRoute_Get431()
    {
        foreach (var route in Routes)
        {
            Assert.Equal(431, (await Get(route, ("X-Big", new string('a', KestrelConfigurator.MaxRequestHeadersTotalSize + 1)))).Status);
            Assert.Equal(431, (await RawHttp.SendAsync(_app.BaseAddress, "GET", route, Enumerable.Range(0, KestrelConfigurator.MaxRequestHeaderCount + 1).Select(i => ("X-H" + i, "v")))).Status);
            Assert.Equal(200, (await Get(route, ("Accept", "garbage;;q=x,/,*/*;q=NaN"))).Status);
        }
    }

    [Fact]
    public async Task EveryWriteMethod_OnEveryRoute_IsRefused()
    {
        foreach (var route in Routes)
        {
            foreach (var method in new[] { "POST", "PUT", "DELETE", "PATCH" })
            {
                var r = await RawHttp.SendAsync(_app.BaseAddress, method, route, [("Authorization", "Bearer the-right-token"), ("Content-Length", "0")]);
                Assert.True(r.Status == 405, $"{method} {route}: {r.Status}");
            }
        }

        // Still the same plan afterwards.
        var plan = await Get("/api/v1/plan");
        Assert.Equal(200, plan.Status);
    }
}
