using KvmMetrics.Influx.Write;

namespace KvmMetrics.Influx.Tests.Write;

public class InfluxWriteOptionsTests
{
    private static readonly InfluxConnectionOptions V1 = new() { Url = new Uri("http://127.0.0.1:8086"), Database = "db" };

    [Fact]
    public void Validate_Defaults_AreValid() => Assert.Empty(new InfluxWriteOptions { Connection = V1 }.Validate());

    [Fact]
    public void Validate_V1WithoutDatabase_NamesTheOption() =>
        Assert.Contains(new InfluxWriteOptions { Connection = V1 with { Database = null } }.Validate(), e => e.StartsWith("Database is required", StringComparison.Ordinal));

    [Fact]
    public void Validate_V2WithoutOrgBucketToken_ListsAllThree()
    {
        var errors = new InfluxWriteOptions { Connection = V1 with { ApiVersion = InfluxApiVersion.V2 } }.Validate();
        Assert.Contains(errors, e => e.StartsWith("Organization", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bucket", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ftp://host/")]
    [InlineData("http://user:pw@host:8086/")]
    public void Validate_BadUrl_IsRejected(string url) =>
        Assert.Contains(new InfluxWriteOptions { Connection = V1 with { Url = new Uri(url) } }.Validate(), e => e.StartsWith("Url", StringComparison.Ordinal));

    [Fact]
    public void Validate_OutOfRangeNumbers_NameTheRange()
    {
        var errors = new InfluxWriteOptions { Connection = V1, BatchSize = 0, BufferMaxBytes = 10, FlushInterval = TimeSpan.Zero }.Validate();
        Assert.Contains(errors, e => e.Contains("BatchSize 0 is out of range; use 1 to 1000000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BufferMaxBytes 10 is too small", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("FlushInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new InfluxWriter(new InfluxWriteOptions { Connection = V1 with { Database = "" }, BatchSize = -1 }));
        Assert.Contains("Database", e.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize", e.Message, StringComparison.Ordinal);
    }
}
