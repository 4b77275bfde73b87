using System.Net;
using System.Text;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Analyzer.Tests.WriteBack;

/// <summary>How InfluxDB.Client's answers map to the writer's decisions (retry, split, drop), with canned HTTP answers.</summary>
public sealed class InfluxClientTransportStatusTests
{
    [Theory]
    [InlineData(204, WriteStatus.Success)]
    [InlineData(400, WriteStatus.BadRequest)]
    [InlineData(422, WriteStatus.BadRequest)]
    [InlineData(413, WriteStatus.TooLarge)]
    [InlineData(401, WriteStatus.Retryable)]
    [InlineData(404, WriteStatus.Retryable)]
    [InlineData(500, WriteStatus.Retryable)]
    [InlineData(503, WriteStatus.Retryable)]
    [InlineData(405, WriteStatus.Rejected)]
    public async Task Send_ClassifiesTheServersAnswer(int status, WriteStatus expected)
    {
        var handler = new Canned((HttpStatusCode)status, null);
        var result = await Send(handler);

        Assert.Equal(expected, result.Status);
        Assert.Equal("/api/v2/write", handler.Seen!.RequestUri!.AbsolutePath);
        Assert.Contains("bucket=analyzer", handler.Seen.RequestUri.Query, StringComparison.Ordinal);
        Assert.Contains("org=ops", handler.Seen.RequestUri.Query, StringComparison.Ordinal);
        Assert.Equal("Token t0ken", handler.Seen.Headers.Authorization?.ToString());
        Assert.Equal("m,host=a v=1 1700000000\nm,host=b v=2 1700000000", handler.Body);
    }

    [Fact]
    public async Task Send_TooManyRequests_KeepsTheRetryAfter()
    {
        var result = await Send(new Canned(HttpStatusCode.TooManyRequests, "7"));

        Assert.Equal(WriteStatus.Retryable, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    private static async Task<WriteResult> Send(Canned handler)
    {
        using var http = new HttpClient(handler);
        using var transport = new InfluxClientTransport(new InfluxWriteOptions
        {
            Connection = new InfluxConnectionOptions { Url = new Uri("http://influx.invalid:8086"), ApiVersion = InfluxApiVersion.V2, Organization = "ops", Bucket = "analyzer", Token = "t0ken" },
            Precision = KvmMetrics.Influx.LineProtocol.WritePrecision.Seconds,
            Gzip = false,
        }, http);
        return await transport.SendAsync(Encoding.UTF8.GetBytes("m,host=a v=1 1700000000\nm,host=b v=2 1700000000\n"), CancellationToken.None);
    }

    private sealed class Canned(HttpStatusCode status, string? retryAfter) : HttpMessageHandler
    {
        public HttpRequestMessage? Seen { get; private set; }

        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen = request;
            Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = new HttpResponseMessage(status) { Content = new StringContent(status == HttpStatusCode.NoContent ? "" : "{\"code\":\"invalid\",\"message\":\"canned\"}", Encoding.UTF8, "application/json") };
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            return response;
        }
    }
}
