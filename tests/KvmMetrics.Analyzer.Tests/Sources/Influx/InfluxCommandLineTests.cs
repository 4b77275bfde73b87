using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.Sources.Influx;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

public sealed class InfluxCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("--source influx", "--source influx needs --influx.url")]
    [InlineData("--source influx --influx.url ftp://x", "--influx.url: 'ftp://x' is not such a URL; accepted: an absolute http(s) URL")]
    [InlineData("--source influx --influx.url http://u:p@x:8086", "without credentials")]
    [InlineData("--source influx --influx.url http://x:8086 --influx.api-version v3", "--influx.api-version: 'v3' is not one of the choices; accepted: v1, v2")]
    [InlineData("--source influx --influx.url http://x:8086 --influx.api-version v2 --influx.org o --influx.bucket b", "needs a token: --influx.token-file FILE or the KVM_ANALYZER_INFLUX_TOKEN")]
    [InlineData("--source influx --influx.url http://x:8086 --influx.token-file /nonexistent/token --influx.api-version v2", "--influx.token-file: '/nonexistent/token' does not exist")]
    [InlineData("--source influx --influx.url http://x:8086 --influx.step 5x", "--influx.step: '5x' is not a duration")]
    [InlineData("--influx.write.database results", "--influx.write.database only apply with --influx.write")]
    [InlineData("--influx.write", "--influx.write needs --influx.url")]
    public void BadOptions_NameTheOptionAndTheFix(string line, string expected)
    {
        var args = new CommandArgs(line.Split(' '));
        var e = Assert.Throws<UsageException>(() =>
        {
            SourceOptions.Create(args, environment: NoEnvironment);
            InfluxWriteBackOptions.Parse(args, NoEnvironment, null);
        });
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V2Token_FromTheEnvironment_IsUsed_AndNeverShown()
    {
        var args = new CommandArgs(["--influx.url", "http://influx:8086", "--influx.api-version", "v2", "--influx.org", "ops", "--influx.bucket", "kvm"]);
        var connection = InfluxCommandLine.Connection(args, name => name == InfluxCommandLine.TokenVariable ? "t0ken-from-env" : null)!;
        Assert.Equal(("t0ken-from-env", InfluxApiVersion.V2, "ops", "kvm"), (connection.Token, connection.ApiVersion, connection.Organization, connection.Bucket));
        Assert.DoesNotContain("t0ken", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Source_And_WriteBack_ShareTheConnection_WriteTargetOverridesTheDatabase()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "s3cret\n");
        try
        {
            var args = new CommandArgs(["--source", "influx", "--influx.url", "http://influx:8086", "--influx.username", "analyzer", "--influx.password-file", file,
                "--influx.retention-policy", "autogen", "--influx.write", "--influx.write.database", "analysis"]);
            using var source = Assert.IsType<InfluxSource>(SourceOptions.Create(args, environment: NoEnvironment));
            var write = InfluxWriteBackOptions.Parse(args, NoEnvironment, "/var/lib/kvm-analyzer/influx-buffer")!;
            args.EnsureAllUsed();
            Assert.Equal(("analysis", "autogen", "analyzer", "s3cret"), (write.Connection.Database, write.Connection.RetentionPolicy, write.Connection.Username, write.Connection.Password));
            Assert.Equal("/var/lib/kvm-analyzer/influx-buffer", write.BufferDirectory);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
