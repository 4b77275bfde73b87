using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Processes;
using KvmMetrics.Web.Cryptography;

namespace KvmMetrics.Analyzer.Tests.Service;

/// <summary>
/// Runs the real exporter and analyzer executables with basic auth (bcrypt), an API token and InfluxDB credentials,
/// sends right and wrong credentials at debug log level while InfluxDB is unreachable, and scans everything they
/// wrote to stdout/stderr: no password, token, bcrypt hash or Authorization value may appear.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class SecretsInLogsTests : IDisposable
{
    private const string Password = "Corr3ct-Horse-Battery-7f1c";
    private const string WrongPassword = "Wr0ng-Passw0rd-a9d2";
    private const string ApiToken = "api-t0ken-5be81c4d";
    private const string WrongToken = "wr0ng-t0ken-77e0";
    private const string InfluxPassword = "infl0x-s3cret-2c9a";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-secrets-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WebConfig()
    {
        var file = Path.Combine(_dir.FullName, "web.yml");
        File.WriteAllText(file, $"basic_auth_users:\n  alice: '{Bcrypt.Hash(Password, cost: 4)}'\n");
        return file;
    }

    private string Secret(string name, string value)
    {
        var file = Path.Combine(_dir.FullName, name);
        File.WriteAllText(file, value + "\n");
        return file;
    }

    private static string[] Forbidden(string webConfig) =>
    [
        Password, WrongPassword, ApiToken, WrongToken, InfluxPassword,
        Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Password)),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + WrongPassword)),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("u:" + InfluxPassword)),
        File.ReadAllText(webConfig).Split('\'')[1], // the bcrypt hash
    ];

    private static async Task SendAsync(Uri server, string path, AuthenticationHeaderValue? auth, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    [Fact]
    public async Task ExporterWithBasicAuthAndInfluxPush_LogsNoSecret()
    {
        var web = WebConfig();
        await using var exporter = await ChildProcess.StartAsync(RepoPaths.BuiltExecutable("KvmMetrics.Exporter"),
            ["--web.listen-address=127.0.0.1:0", "--web.config.file=" + web, "--log.level=debug", "--libvirt.uri=test:///default", "--no-collector.cgroup",
             "--influx.url=http://127.0.0.1:9", "--influx.username=u", "--influx.password-file=" + Secret("influx-password", InfluxPassword), "--influx.interval=1s"],
            ListeningOn());

        await SendAsync(exporter.BaseAddress, "/metrics", null, HttpStatusCode.Unauthorized);
        await SendAsync(exporter.BaseAddress, "/metrics", Basic("alice", WrongPassword), HttpStatusCode.Unauthorized);
        await SendAsync(exporter.BaseAddress, "/metrics", Basic("mallory", Password), HttpStatusCode.Unauthorized);
        await SendAsync(exporter.BaseAddress, "/metrics", new AuthenticationHeaderValue("Basic", "%%%not-base64" + WrongPassword), HttpStatusCode.Unauthorized);
        await SendAsync(exporter.BaseAddress, "/metrics", Basic("alice", Password), HttpStatusCode.OK);
        // Let a few pushes to the unreachable InfluxDB fail and be logged.
        await Task.Delay(TimeSpan.FromSeconds(4));

        var output = await exporter.StopAsync();
        Assert.Contains("Basic authentication failed", output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", output, StringComparison.Ordinal);
        foreach (var secret in Forbidden(web))
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnalyzerWithTokenBasicAuthAndInfluxWriteBack_LogsNoSecret()
    {
        var web = WebConfig();
        var environment = new Dictionary<string, string> { ["KVM_ANALYZER_INFLUX_PASSWORD"] = InfluxPassword };
        await using var analyzer = await ChildProcess.StartAsync(RepoPaths.BuiltExecutable("KvmMetrics.Analyzer"),
            ["serve", "--web.listen-address", "127.0.0.1:0", "--web.config.file", web, "--api.token-file", Secret("token", ApiToken),
             "--data.dir", Path.Combine(_dir.FullName, "data"), "--source", "sample",
             "--influx.url", "http://127.0.0.1:9", "--influx.username", "u", "--influx.write"],
            AnalyzerListening(), environment);

        var basic = Basic("alice", Password);
        await SendAsync(analyzer.BaseAddress, "/api/v1/status", Basic("alice", WrongPassword), HttpStatusCode.Unauthorized);
        await SendAsync(analyzer.BaseAddress, "/api/v1/status", basic, HttpStatusCode.Unauthorized); // basic auth passes, no token
        using (var http = new HttpClient { BaseAddress = analyzer.BaseAddress })
        {
            // With basic auth on, Authorization carries the user; the API token then goes in X-Api-Token.
            foreach (var (token, expected) in new[] { (WrongToken, HttpStatusCode.Unauthorized), (ApiToken, HttpStatusCode.OK) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/status");
                request.Headers.Authorization = basic;
                request.Headers.Add("X-Api-Token", token);
                using var response = await http.SendAsync(request);
                Assert.Equal(expected, response.StatusCode);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var output = await analyzer.StopAsync();
        Assert.Contains("127.0.0.1", output, StringComparison.Ordinal);
        foreach (var secret in Forbidden(web))
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnalyzerWithToken_WrongAndRightToken_LogsNoSecret()
    {
        var web = WebConfig();
        await using var analyzer = await ChildProcess.StartAsync(RepoPaths.BuiltExecutable("KvmMetrics.Analyzer"),
            ["serve", "--web.listen-address", "127.0.0.1:0", "--api.token-file", Secret("token", ApiToken), "--data.dir", Path.Combine(_dir.FullName, "data2"), "--source", "sample"],
            AnalyzerListening());
        await SendAsync(analyzer.BaseAddress, "/api/v1/status", new AuthenticationHeaderValue("Bearer", WrongToken), HttpStatusCode.Unauthorized);
        await SendAsync(analyzer.BaseAddress, "/api/v1/status", new AuthenticationHeaderValue("Bearer", ApiToken), HttpStatusCode.OK);
        var output = await analyzer.StopAsync();
        foreach (var secret in Forbidden(web))
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    private static Regex ListeningOn() => ExporterListeningRegex();

    private static Regex AnalyzerListening() => AnalyzerListeningRegex();

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ExporterListeningRegex();

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex AnalyzerListeningRegex();
}
