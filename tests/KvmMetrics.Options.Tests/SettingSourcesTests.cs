using System.Collections;

namespace KvmMetrics.Options.Tests;

public sealed class SettingSourcesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvm-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Option<TimeSpan> Step = Opt.Duration("prometheus.step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15), TimeSpan.FromHours(1), "S.");

    [Fact]
    public void Precedence_FlagOverEnvironmentOverFile()
    {
        var file = Path.Combine(_dir, "c.yml");
        File.WriteAllText(file, "prometheus:\n  step: 1m\n");
        var env = new Hashtable { ["KVM_T_PROMETHEUS_STEP"] = "2m" };
        var errors = new List<string>();

        var fileOnly = SettingSources.Read(["--config.file", file], "KVM_T_", null, _ => false, errors);
        var withEnv = SettingSources.Read(["--config.file", file], "KVM_T_", env, _ => false, errors);
        var withFlag = SettingSources.Read(["--config.file", file, "--prometheus.step=3m"], "KVM_T_", env, _ => false, errors);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMinutes(1), fileOnly.Get(Step, errors));
        Assert.Equal(TimeSpan.FromMinutes(2), withEnv.Get(Step, errors));
        Assert.Equal(TimeSpan.FromMinutes(3), withFlag.Get(Step, errors));
        Assert.Equal(TimeSpan.FromMinutes(5), SettingSources.Read([], "KVM_T_", null, _ => false, errors).Get(Step, errors));
    }

    [Fact]
    public void BadFileValue_ErrorNamesFileAndKey()
    {
        var file = Path.Combine(_dir, "c.yml");
        File.WriteAllText(file, "prometheus.step: 5\n");
        var errors = new List<string>();
        SettingSources.Read(["--config.file=" + file], "KVM_T_", null, _ => false, errors).Get(Step, errors);
        Assert.Equal($"config file {file} key prometheus.step: '5' is not a duration; accepted: a duration 15s..1h (such as 30s, 5m, 1h30m, 7d)", Assert.Single(errors));
    }

    [Fact]
    public void ConfigFileFromEnvironment_IsRead()
    {
        var file = Path.Combine(_dir, "c.yml");
        File.WriteAllText(file, "prometheus.step: 30s\n");
        var errors = new List<string>();
        var s = SettingSources.Read([], "KVM_T_", new Hashtable { ["KVM_T_CONFIG_FILE"] = file }, _ => false, errors);
        Assert.Equal(TimeSpan.FromSeconds(30), s.Get(Step, errors));
        Assert.Equal(file, s.ConfigFile);
    }

    [Fact]
    public void MissingConfigFile_OneErrorNamingTheFlag()
    {
        var errors = new List<string>();
        SettingSources.Read(["--config.file", "/nonexistent/c.yml"], "KVM_T_", null, _ => false, errors);
        Assert.StartsWith("--config.file: '/nonexistent/c.yml' does not exist", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Switch_DoesNotSwallowTheNextArgument()
    {
        var errors = new List<string>();
        var s = SettingSources.Read(["--json", "positional"], "KVM_T_", null, n => n == "json", errors);
        Assert.Null(s.Find("json")!.Value);
        Assert.Contains(errors, e => e.StartsWith("argument 'positional'", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownEnvironment_ListsOnlyPrefixedUnknownNames()
    {
        var env = new Hashtable { ["KVM_T_PROMETHEUS_STEP"] = "1m", ["KVM_T_PROMETHEUS_STPE"] = "1m", ["PATH"] = "/bin" };
        var s = SettingSources.Read([], "KVM_T_", env, _ => false, new List<string>());
        Assert.Equal(["KVM_T_PROMETHEUS_STPE"], s.UnknownEnvironment(["prometheus.step"]));
    }
}
