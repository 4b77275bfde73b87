using System.IO.Compression;
using System.Text;
using System.Text.Json;
using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.Influx.Tests.Query;

/// <summary>What the client puts on the wire, checked on a real HTTP listener.</summary>
public class V2ContractTests
{
    private static InfluxConnectionOptions V2(Uri url) => new()
    {
        Url = url,
        ApiVersion = InfluxApiVersion.V2,
        Organization = "my org",
        Bucket = "kvm/metrics",
        Token = "s3cr3t==",
        Timeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task V2Write_SendsMethodPathQueryHeadersAndGzippedBody()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(204));
        await using (var writer = new InfluxWriter(new InfluxWriteOptions { Connection = V2(server.Url), Precision = WritePrecision.Milliseconds }))
        {
            writer.Write(new PointData("kvm_domain_cpu_seconds_total").Tag("domain", "web 1").Tag("uuid", "u-1").Field("value", 12.5).Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)));
            writer.Write(new PointData("kvm_up").Field("value", 1.0).Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_124)));
            await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/write", request.Path);
        Assert.Equal("my org", request.Query["org"]);
        Assert.Equal("kvm/metrics", request.Query["bucket"]);
        Assert.Equal("ms", request.Query["precision"]);
        Assert.Equal(3, request.Query.Count);
        Assert.Equal("Token s3cr3t==", request.Headers["Authorization"]);
        Assert.Equal("gzip", request.Headers["Content-Encoding"]);
        Assert.Equal("text/plain; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
        Assert.Equal(
            "kvm_domain_cpu_seconds_total,domain=web\\ 1,uuid=u-1 value=12.5 1700000000123\nkvm_up value=1 1700000000124\n",
            Gunzip(request.Body));
    }

    [Fact]
    public async Task V2Write_401_IsRetriedAndReportedAsCredentialProblem()
    {
        await using var server = new RecordingHttpServer(r => new ScriptedResponse(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}"));
        await using var writer = new InfluxWriter(new InfluxWriteOptions
        {
            Connection = V2(server.Url),
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
        });
        writer.WriteLine("m v=1");
        writer.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (writer.GetStats().Retries < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var stats = writer.GetStats();
        Assert.True(stats.Retries >= 2);
        Assert.Equal(1, stats.BufferedPoints);
        Assert.Contains("HTTP 401", stats.LastError, StringComparison.Ordinal);
        Assert.Contains("check the credentials/token", stats.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FluxQuery_SendsJsonDialectAndParsesAnnotatedCsv()
    {
        var csv = File.ReadAllText(RepoPaths.TestData("flux", "two_results.csv"));
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(200, csv, "text/csv; charset=utf-8"));
        using var client = new InfluxQueryClient(V2(server.Url));
        var tables = await client.QueryFluxAsync("from(bucket: \"kvm/metrics\") |> range(start: -1d)");

        Assert.Equal(3, tables.Count);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/query", request.Path);
        Assert.Equal("my org", request.Query["org"]);
        Assert.Equal("Token s3cr3t==", request.Headers["Authorization"]);
        Assert.Equal("application/csv", request.Headers["Accept"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("from(bucket: \"kvm/metrics\") |> range(start: -1d)", body.RootElement.GetProperty("query").GetString());
        Assert.Equal("flux", body.RootElement.GetProperty("type").GetString());
        var dialect = body.RootElement.GetProperty("dialect");
        Assert.True(dialect.GetProperty("header").GetBoolean());
        Assert.Equal(["datatype", "group", "default"], dialect.GetProperty("annotations").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task FluxQuery_HttpError_CarriesServerMessage()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(400, "{\"code\":\"invalid\",\"message\":\"compilation failed: error at @1:1-1:4\"}"));
        using var client = new InfluxQueryClient(V2(server.Url));
        var e = await Assert.ThrowsAsync<InfluxException>(() => client.QueryFluxAsync("bad"));
        Assert.Contains("failed with HTTP 400: compilation failed: error at @1:1-1:4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_SlowServer_TimesOutWithClearMessage()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(200, "{}", Delay: TimeSpan.FromSeconds(5)));
        using var client = new InfluxQueryClient(V2(server.Url) with { Timeout = TimeSpan.FromMilliseconds(300) });
        var e = await Assert.ThrowsAsync<InfluxException>(() => client.QueryFluxAsync("from(bucket:\"b\")"));
        Assert.Contains("timed out after 0.3 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InfluxQlQuery_V1_UsesGetWithDbEpochAndQ()
    {
        await using var server = new RecordingHttpServer(_ => new ScriptedResponse(200, "{\"results\":[{\"statement_id\":0}]}"));
        using var client = new InfluxQueryClient(new InfluxConnectionOptions { Url = server.Url, Database = "kvm", Username = "u", Password = "p" });
        await client.QueryInfluxQlAsync("SELECT mean(value) FROM cpu WHERE time > now() - 1h GROUP BY time(5m)");
        await client.QueryInfluxQlAsync("CREATE DATABASE x");
        var get = server.Requests[0];
        Assert.Equal("GET", get.Method);
        Assert.Equal("/query", get.Path);
        Assert.Equal("kvm", get.Query["db"]);
        Assert.Equal("s", get.Query["epoch"]);
        Assert.Equal("SELECT mean(value) FROM cpu WHERE time > now() - 1h GROUP BY time(5m)", get.Query["q"]);
        Assert.Null(get.Query["chunked"]);
        Assert.Equal("Basic dTpw", get.Headers["Authorization"]);
        var post = server.Requests[1];
        Assert.Equal("POST", post.Method);
        Assert.Equal("q=CREATE+DATABASE+x", Encoding.UTF8.GetString(post.Body));
    }

    private static string Gunzip(byte[] body)
    {
        using var gz = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(gz, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
