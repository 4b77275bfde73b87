using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KvmMetrics.Exposition;
using KvmMetrics.TestSupport;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Hosting;
using KvmMetrics.Web.Cryptography;
using KvmMetrics.Web.Security;
using KvmMetrics.Web.Tests.Support;

namespace KvmMetrics.Web.Tests.Security;

public class WebSecurityMiddlewareTests
{
    private static async Task<TestWebHost> StartWithUserAsync(string password, WebConfig? extra = null)
    {
        Requirements.Require(Bcrypt.IsAvailable, "libcrypt.so.1 (libxcrypt) with bcrypt");
        var config = (extra ?? WebConfig.Default) with
        {
            BasicAuthUsers = new Dictionary<string, string> { ["prometheus"] = Bcrypt.Hash(password, cost: 4) },
        };
        return await TestWebHost.StartAsync(
            config,
            app =>
            {
                app.MapKvmMetrics("/metrics", _ => Task.FromResult(MetricSet.Empty));
                app.MapKvmHealthz();
            },
            new WebSecurityOptions { Realm = "kvm \"exporter\"", UnauthenticatedPaths = ["/healthz"] });
    }

    private static HttpRequestMessage Get(string path, string? user = null, string? password = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        }

        return request;
    }

    [SkippableFact]
    public async Task NoCredentials_Gets401WithBasicChallenge()
    {
        await using var host = await StartWithUserAsync("right");
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.SendAsync(Get("/metrics"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Equal("realm=\"kvm exporter\", charset=\"UTF-8\"", challenge.Parameter);
    }

    [SkippableFact]
    public async Task WrongPassword_Gets401()
    {
        await using var host = await StartWithUserAsync("right");
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var wrong = await client.SendAsync(Get("/metrics", "prometheus", "wrong"));
        using var unknown = await client.SendAsync(Get("/metrics", "nobody", "right"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [SkippableFact]
    public async Task RightPassword_Gets200()
    {
        await using var host = await StartWithUserAsync("right");
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.SendAsync(Get("/metrics", "prometheus", "right"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [SkippableFact]
    public async Task UnauthenticatedPath_IsServedWithoutCredentials()
    {
        await using var host = await StartWithUserAsync("right");
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.SendAsync(Get("/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task ConfiguredHeaders_AreOnEveryResponseIncluding401()
    {
        var extra = WebConfig.Default with
        {
            Http = new HttpServerConfig { Headers = new Dictionary<string, string> { ["X-Frame-Options"] = "deny", ["Content-Security-Policy"] = "default-src 'none'" } },
        };
        await using var host = await StartWithUserAsync("right", extra);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var denied = await client.SendAsync(Get("/metrics"));
        using var allowed = await client.SendAsync(Get("/metrics", "prometheus", "right"));

        foreach (var response in new[] { denied, allowed })
        {
            Assert.Equal("deny", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Fact]
    public async Task RateLimit_ExhaustedBucket_Gets429()
    {
        var config = WebConfig.Default with { RateLimit = new RateLimitConfig(TimeSpan.FromHours(1), 2) };
        await using var host = await TestWebHost.StartAsync(config, app => app.MapKvmHealthz());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(Get("/healthz"));
            codes.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
    }
}
