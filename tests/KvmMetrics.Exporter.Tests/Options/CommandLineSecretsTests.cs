using KvmMetrics.Exporter.Options;

namespace KvmMetrics.Exporter.Tests.Options;

public sealed class CommandLineSecretsTests
{
    [Fact]
    public void Warnings_SecretFlagsInEitherForm_NameTheFlagAndTheAlternative()
    {
        var warnings = CommandLineSecrets.Warnings(["--influx.url=http://i:8086", "--influx.password=s3cret", "--influx.token", "t0ken"]);

        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("--influx.password on the command line", warnings[0], StringComparison.Ordinal);
        Assert.Contains("--influx.password-file", warnings[0], StringComparison.Ordinal);
        Assert.Contains("KVM_EXPORTER_INFLUX_TOKEN", warnings[1], StringComparison.Ordinal);
        Assert.DoesNotContain(warnings, w => w.Contains("s3cret", StringComparison.Ordinal) || w.Contains("t0ken", StringComparison.Ordinal));
    }

    [Fact]
    public void Warnings_FileFlagsAndOtherFlags_GiveNone()
    {
        Assert.Empty(CommandLineSecrets.Warnings(["--influx.password-file=/run/secrets/p", "--influx.token-file", "/run/t", "--influx.username=u"]));
    }
}
