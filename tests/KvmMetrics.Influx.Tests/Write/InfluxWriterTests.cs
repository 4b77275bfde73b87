using System.Net;
using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Influx.Tests.Write;

public sealed class InfluxWriterTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kvmm-writer-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Write_V1_PostsGzippedLinesWithDbRpPrecisionAndBasicAuth()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.NoContent));
        var options = Options() with
        {
            Connection = Options().Connection with { RetentionPolicy = "autogen", Username = "u", Password = "p w" },
            Precision = WritePrecision.Seconds,
        };
        await using (var writer = new InfluxWriter(options, new HttpClient(handler)))
        {
            writer.Write(new PointData("cpu").Tag("host", "a b").Field("value", 1.5).Timestamp(DateTimeOffset.FromUnixTimeSeconds(1700000000)));
            writer.Write(new PointData("cpu").Tag("host", "c").Field("value", 2L).Timestamp(DateTimeOffset.FromUnixTimeSeconds(1700000001)));
            await writer.FlushAsync().WaitAsync(Wait);
        }

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:9/write?db=kvm&rp=autogen&precision=s", request.Uri.ToString());
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.Equal("Basic dTpwIHc=", request.Authorization);
        Assert.Equal("cpu,host=a\\ b value=1.5 1700000000\ncpu,host=c value=2i 1700000001\n", request.Body);
    }

    [Fact]
    public async Task Write_V1QueryParameterAuth_PutsUAndPInUrl()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.NoContent));
        var options = Options() with { Connection = Options().Connection with { Username = "u", Password = "p&q", V1Auth = V1AuthMode.QueryParameters }, Gzip = false };
        await using (var writer = new InfluxWriter(options, new HttpClient(handler)))
        {
            writer.WriteLine("m v=1");
            await writer.FlushAsync().WaitAsync(Wait);
        }

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:9/write?db=kvm&precision=n&u=u&p=p%26q", request.Uri.AbsoluteUri);
        Assert.Null(request.ContentEncoding);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task Write_ServerUnavailable_RetriesWithGrowingBackoffThenDeliversInOrder()
    {
        var handler = new ScriptedHandler((_, i) => ScriptedHandler.Status(i < 4 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent));
        var time = new RecordingTimeProvider();
        await using var writer = new InfluxWriter(Options() with { BatchSize = 2 }, new HttpClient(handler), time);
        for (var i = 0; i < 6; i++)
        {
            writer.WriteLine($"m v={i}");
        }

        await writer.FlushAsync().WaitAsync(Wait);
        var delivered = handler.Requests.Skip(4).SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"m v={i}"), delivered);
        var stats = writer.GetStats();
        Assert.Equal(6, stats.PointsWritten);
        Assert.Equal(4, stats.Retries);
        Assert.True(stats.LastRequestSucceeded);
        Assert.Contains("HTTP 503", stats.LastError, StringComparison.Ordinal);

        // Equal jitter: attempt n waits between half and all of initial * 2^(n-1).
        var delays = time.Delays.Take(4).ToList();
        for (var n = 0; n < 4; n++)
        {
            var full = TimeSpan.FromMilliseconds(100 * Math.Pow(2, n));
            Assert.InRange(delays[n], full / 2, full);
        }
    }

    [Fact]
    public async Task Write_429WithRetryAfter_WaitsWhatTheServerAsks()
    {
        var handler = new ScriptedHandler((_, i) =>
        {
            if (i > 0)
            {
                return ScriptedHandler.Status(HttpStatusCode.NoContent);
            }

            var r = ScriptedHandler.Status(HttpStatusCode.TooManyRequests, "{\"code\":\"too many requests\"}");
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(42));
            return r;
        });
        var time = new RecordingTimeProvider();
        await using var writer = new InfluxWriter(Options(), new HttpClient(handler), time);
        writer.WriteLine("m v=1");
        await writer.FlushAsync().WaitAsync(Wait);
        Assert.Equal(TimeSpan.FromSeconds(42), Assert.Single(time.Delays));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Write_503WithRetryAfterDate_WaitsUntilThatDate_CappedByMaxRetryAfter()
    {
        // The date is taken from the writer's own (fake) clock: against the real clock the fake one lags by the
        // time since it was created, and the wait came out a few ms over 60 s.
        var time = new RecordingTimeProvider();
        var handler = new ScriptedHandler((_, i) =>
        {
            if (i > 1)
            {
                return ScriptedHandler.Status(HttpStatusCode.NoContent);
            }

            var r = ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable);
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(i == 0 ? 60 : 3600));
            return r;
        });
        await using var writer = new InfluxWriter(Options() with { MaxRetryAfter = TimeSpan.FromMinutes(10) }, new HttpClient(handler), time);
        writer.WriteLine("m v=1");
        await writer.FlushAsync().WaitAsync(Wait);
        Assert.Equal(2, time.Delays.Count);
        Assert.InRange(time.Delays[0], TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromMinutes(10), time.Delays[1]);
    }

    [Fact]
    public async Task Write_InfluxDb1PartialWrite_DropsOnlyNamedLines_AndDoesNotResend()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.BadRequest,
            "{\"error\":\"partial write: unable to parse 'm v= 2': missing field value\\nunable to parse 'bad line': invalid field format dropped=0\"}"));
        await using var writer = new InfluxWriter(Options(), new HttpClient(handler));
        foreach (var line in new[] { "m v=1 1", "m v= 2", "m v=3 3", "bad line" })
        {
            writer.WriteLine(line);
        }

        await writer.FlushAsync().WaitAsync(Wait);
        var stats = writer.GetStats();
        Assert.Single(handler.Requests);
        Assert.Equal(2, stats.PointsWritten);
        Assert.Equal(2, stats.PointsDropped[DropReason.Rejected]);
        Assert.Equal(["m v= 2", "bad line"], writer.RecentRejections.Select(r => r.Line));
        Assert.Contains("missing field value", writer.RecentRejections[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_WholeBatchRefusedForNamedLine_ResendsTheOtherLines()
    {
        var handler = new ScriptedHandler((_, i) => i == 0
            ? ScriptedHandler.Status(HttpStatusCode.BadRequest, "{\"code\":\"invalid\",\"message\":\"unable to parse points: line 2: no field values\"}")
            : ScriptedHandler.Status(HttpStatusCode.NoContent));
        await using var writer = new InfluxWriter(Options(), new HttpClient(handler));
        writer.WriteLine("a v=1");
        writer.WriteLine("b");
        writer.WriteLine("c v=3");
        await writer.FlushAsync().WaitAsync(Wait);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("a v=1\nc v=3\n", handler.Requests[1].Body);
        Assert.Equal(2, writer.GetStats().PointsWritten);
        Assert.Equal(1, writer.GetStats().PointsDropped[DropReason.Rejected]);
    }

    [Fact]
    public async Task Write_FieldTypeConflictWithDroppedCount_CountsWhatTheServerDropped()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.BadRequest,
            "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" on measurement \\\"m\\\" is type integer, already exists as type float dropped=1\"}"));
        await using var writer = new InfluxWriter(Options(), new HttpClient(handler));
        writer.WriteLine("m v=1i");
        writer.WriteLine("n v=1");
        await writer.FlushAsync().WaitAsync(Wait);
        Assert.Equal(1, writer.GetStats().PointsWritten);
        Assert.Equal(1, writer.GetStats().PointsDropped[DropReason.Rejected]);
    }

    [Fact]
    public async Task Write_413TooLarge_SplitsTheBatchUntilItFits()
    {
        var handler = new ScriptedHandler((r, _) => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 2
            ? ScriptedHandler.Status(HttpStatusCode.RequestEntityTooLarge, "{\"error\":\"request entity too large\"}")
            : ScriptedHandler.Status(HttpStatusCode.NoContent));
        await using var writer = new InfluxWriter(Options(), new HttpClient(handler));
        for (var i = 0; i < 8; i++)
        {
            writer.WriteLine($"m v={i}");
        }

        await writer.FlushAsync().WaitAsync(Wait);
        var accepted = handler.Requests.Where(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 2).SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"m v={i}"), accepted);
        Assert.Equal(8, writer.GetStats().PointsWritten);
    }

    [Fact]
    public async Task Write_PartialBatch_IsSentAfterFlushIntervalWithoutExplicitFlush()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.NoContent));
        await using var writer = new InfluxWriter(Options() with { FlushInterval = TimeSpan.FromMilliseconds(50) }, new HttpClient(handler));
        writer.WriteLine("m v=1");
        var deadline = DateTime.UtcNow + Wait;
        while (handler.Requests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal("m v=1\n", Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task Write_BatchSizeReached_ClosesTheBatch()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.NoContent));
        await using var writer = new InfluxWriter(Options() with { BatchSize = 3 }, new HttpClient(handler));
        for (var i = 0; i < 7; i++)
        {
            writer.WriteLine($"m v={i}");
        }

        await writer.FlushAsync().WaitAsync(Wait);
        Assert.Equal([3, 3, 1], handler.Requests.Select(r => r.Body.Count(c => c == '\n')));
    }

    [Fact]
    public async Task Write_NaNOnlyPoint_IsDroppedAndCounted_FiniteFieldsKept()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.NoContent));
        await using var writer = new InfluxWriter(Options(), new HttpClient(handler));
        writer.Write(new PointData("m").Field("v", double.NaN));
        writer.Write(new PointData("m").Field("v", double.PositiveInfinity).Field("w", 1.0));
        writer.Write(new PointData(string.Empty).Field("v", 1.0));
        await writer.FlushAsync().WaitAsync(Wait);
        var stats = writer.GetStats();
        Assert.Equal(1, stats.PointsDropped[DropReason.NoFields]);
        Assert.Equal(1, stats.PointsDropped[DropReason.Invalid]);
        Assert.Equal(2, stats.NonFiniteFieldsDropped);
        Assert.Equal("m w=1\n", Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task Write_ServerDownAndBufferFull_DropsOldestAndAccountsForEveryPoint()
    {
        var handler = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable));
        var options = Options() with { BatchSize = 100, BatchBytes = 8192, BufferMaxBytes = 64 * 1024, BufferDirectory = _dir, RetryInitialDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromSeconds(30) };
        await using var writer = new InfluxWriter(options, new HttpClient(handler));
        for (var i = 0; i < 10_000; i++)
        {
            writer.WriteLine($"measurement,host=h{i % 7} value={i} {i}");
        }

        writer.Flush();
        var stats = writer.GetStats();
        Assert.True(stats.PointsDropped[DropReason.BufferFull] > 0);
        Assert.Equal(10_000, stats.PointsDropped[DropReason.BufferFull] + stats.BufferedPoints);
        Assert.True(stats.BufferedBytes <= 64 * 1024 + 8192);
        Assert.Contains("buffer full", stats.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiskBuffer_WriterRestart_DeliversEverythingInOrderAfterwards()
    {
        var down = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable));
        var options = Options() with { BatchSize = 10, BufferDirectory = _dir, RetryInitialDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromSeconds(30) };
        await using (var first = new InfluxWriter(options, new HttpClient(down)))
        {
            for (var i = 0; i < 95; i++)
            {
                first.WriteLine($"m v={i} {i}");
            }
        }

        using (var onDisk = new KvmMetrics.Influx.Buffering.DiskWriteBuffer(_dir, options.BufferMaxBytes))
        {
            Assert.Equal(95, onDisk.Lines);
        }

        var up = new ScriptedHandler((_, _) => ScriptedHandler.Status(HttpStatusCode.NoContent));
        await using var second = new InfluxWriter(options with { RetryInitialDelay = TimeSpan.FromMilliseconds(10) }, new HttpClient(up));
        await second.FlushAsync().WaitAsync(Wait);
        var delivered = up.Requests.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(Enumerable.Range(0, 95).Select(i => $"m v={i} {i}"), delivered);
    }

    private static InfluxWriteOptions Options() => new()
    {
        Connection = new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:9"), Database = "kvm" },
        FlushInterval = TimeSpan.FromMinutes(5),
        RetryInitialDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromSeconds(10),
    };
}
