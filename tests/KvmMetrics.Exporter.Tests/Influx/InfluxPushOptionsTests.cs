using KvmMetrics.Exporter.Influx;
using KvmMetrics.Influx;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Exporter.Tests.Influx;

public sealed class InfluxPushOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmm-pushopt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FromSettings_NoInfluxSettings_MeansPushDisabled()
    {
        var (options, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string>());
        Assert.Null(options);
        Assert.Empty(errors);
    }

    [Fact]
    public void FromSettings_AllFlags_AreParsed()
    {
        var (options, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string>
        {
            ["url"] = "http://influx:8086",
            ["database"] = "metrics",
            ["retention-policy"] = "week",
            ["username"] = "kvm",
            ["password"] = "pw",
            ["interval"] = "30s",
            ["buffer-dir"] = _dir,
            ["buffer-max-bytes"] = "128MiB",
            ["batch-size"] = "2000",
            ["timeout"] = "5s",
            ["gzip"] = "false",
            ["host-tag"] = "compute-7",
            ["precision"] = "ms",
        });
        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal(new Uri("http://influx:8086"), options.Url);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Interval);
        Assert.Equal(128L << 20, options.BufferMaxBytes);
        Assert.Equal(2000, options.BatchSize);
        Assert.False(options.Gzip);
        Assert.Equal("compute-7", options.HostTag);
        Assert.Equal(WritePrecision.Milliseconds, options.Precision);
        var write = options.ToWriteOptions();
        Assert.Equal("metrics", write.Connection.Database);
        Assert.Equal("week", write.Connection.RetentionPolicy);
        Assert.Equal(_dir, write.BufferDirectory);
        Assert.Empty(write.Validate());
    }

    [Fact]
    public void FromSettings_V2TokenFromFile_IsReadWithoutTrailingNewline()
    {
        var tokenFile = Path.Combine(_dir, "token");
        File.WriteAllText(tokenFile, "abc==\n");
        var (options, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string>
        {
            ["url"] = "https://cloud.example:443", ["api-version"] = "v2", ["org"] = "ops", ["bucket"] = "kvm", ["token-file"] = tokenFile,
        });
        Assert.Empty(errors);
        var write = options!.ToWriteOptions();
        Assert.Equal(InfluxApiVersion.V2, write.Connection.ApiVersion);
        Assert.Equal("abc==", write.Connection.Token);
        Assert.DoesNotContain("abc", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromSettings_V2WithoutTokenOrgBucket_NamesEachFlag()
    {
        var (options, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string> { ["url"] = "http://influx:8086", ["api-version"] = "v2" });
        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith("--influx.token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("interval", "0s", "--influx.interval: 0 s is out of range; use 1s to 1h.")]
    [InlineData("interval", "soon", "--influx.interval: 'soon' is not a duration such as 15s or 1m.")]
    [InlineData("api-version", "v3", "--influx.api-version: 'v3' is not v1 or v2.")]
    [InlineData("buffer-max-bytes", "lots", "--influx.buffer-max-bytes: 'lots' is not a size such as 67108864, 512KiB, 64MiB or 1GiB.")]
    [InlineData("gzip", "maybe", "--influx.gzip: 'maybe' is not true or false.")]
    [InlineData("precision", "h", "--influx.precision: 'h' is not s, ms, us or ns.")]
    [InlineData("colour", "blue", "--influx.colour: unknown setting; known: --influx.url, ")]
    public void FromSettings_BadValue_ErrorNamesFlagAndAcceptedValues(string key, string value, string expected)
    {
        var (options, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string> { ["url"] = "http://influx:8086", [key] = value });
        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void FromSettings_FlagsWithoutUrl_AskForTheUrl()
    {
        var (_, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string> { ["database"] = "x" });
        Assert.Contains(errors, e => e.StartsWith("--influx.url: '' is not an absolute URL", StringComparison.Ordinal));
    }

    [Fact]
    public void FromSettings_MissingTokenFile_IsReported()
    {
        var (_, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string>
        {
            ["url"] = "http://influx:8086", ["api-version"] = "v2", ["org"] = "o", ["bucket"] = "b", ["token-file"] = "/nonexistent/token",
        });
        Assert.Contains("--influx.token-file: file '/nonexistent/token' does not exist.", errors);
    }

    [Fact]
    public void FromSettings_BufferSmallerThanBatch_IsReportedWithFlagName()
    {
        var (_, errors) = InfluxPushOptions.FromSettings(new Dictionary<string, string> { ["url"] = "http://influx:8086", ["buffer-max-bytes"] = "100KiB" });
        Assert.Contains(errors, e => e.Contains("buffer-max-bytes 102400 is smaller than BatchBytes", StringComparison.Ordinal));
    }
}
