using System.Collections;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Deploy.Tests.Support;
using KvmMetrics.Exporter.Options;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Deploy.Tests.Systemd;

/// <summary>deploy/systemd: systemd-analyze verify, hardening directives, and command lines the products accept.</summary>
public sealed class SystemdUnitTests
{
    private static string Dir => RepoPaths.InRepo("deploy", "systemd");

    private static ILookup<string, string> Directives(string unit) => File.ReadAllLines(Path.Combine(Dir, unit))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && l[0] is not ('#' or '['))
        .Select(l => l.Split('=', 2))
        .ToLookup(p => p[0], p => p[1], StringComparer.Ordinal);

    [SkippableTheory]
    [InlineData("kvm-exporter")]
    [InlineData("kvm-analyzer")]
    public async Task SystemdAnalyzeVerify_AcceptsTheUnit(string name)
    {
        // verify also checks that ExecStart's binary exists: point it at a stand-in executable in a temp dir.
        var tmp = Directory.CreateTempSubdirectory("kmt-unit-");
        try
        {
            var binary = Path.Combine(tmp.FullName, name);
            File.Copy(Requirements.RequireTool("true"), binary);
            var text = (await File.ReadAllTextAsync(Path.Combine(Dir, name + ".service"))).Replace("/usr/local/bin/" + name, binary, StringComparison.Ordinal);
            var unit = Path.Combine(tmp.FullName, name + ".service");
            await File.WriteAllTextAsync(unit, text);
            var r = await Tool.RunAsync("systemd-analyze", ["verify", unit]);
            Assert.True(r.ExitCode == 0 && r.Output.Length == 0, r.Output);

            await File.WriteAllTextAsync(unit, text.Replace("ProtectSystem=strict", "ProtectSystem=stricter", StringComparison.Ordinal));
            r = await Tool.RunAsync("systemd-analyze", ["verify", unit]);
            Assert.Contains("stricter", r.Output, StringComparison.Ordinal); // the check can fail
        }
        finally
        {
            tmp.Delete(true);
        }
    }

    [Theory]
    [InlineData("kvm-exporter.service")]
    [InlineData("kvm-analyzer.service")]
    public void Unit_IsHardened(string unit)
    {
        var d = Directives(unit);
        Assert.Equal("strict", d["ProtectSystem"].Single());
        Assert.Equal("yes", d["NoNewPrivileges"].Single());
        Assert.Equal("yes", d["PrivateTmp"].Single());
        Assert.Equal("yes", d["ProtectHome"].Single());
        Assert.Equal(string.Empty, d["CapabilityBoundingSet"].Single());
        Assert.Equal(string.Empty, d["AmbientCapabilities"].Single());
        Assert.NotEmpty(d["ReadOnlyPaths"]);
        Assert.DoesNotContain("root", d["User"]);
        Assert.Single(d["User"]);
    }

    [Fact]
    public void ExporterUnit_RunsAsADedicatedUserInTheLibvirtGroup_WithReadOnlySocketCgroupAndProc()
    {
        var d = Directives("kvm-exporter.service");
        Assert.Equal("kvm-exporter", d["User"].Single());
        Assert.Equal("libvirt", d["SupplementaryGroups"].Single());
        var ro = d["ReadOnlyPaths"].Single().Split(' ');
        Assert.Equal(["/proc", "/run/libvirt", "/sys/fs/cgroup"], ro.Order(StringComparer.Ordinal));
        var sysusers = File.ReadAllText(Path.Combine(Dir, "sysusers-kvm-metrics.conf"));
        Assert.Contains("m kvm-exporter libvirt", sysusers, StringComparison.Ordinal);
    }

    [Fact]
    public void ExporterCommandLine_AndDefaults_AreAcceptedByTheExporter()
    {
        var exec = Directives("kvm-exporter.service")["ExecStart"].Single().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var defaults = EnvArgs("kvm-exporter.default", "KVM_EXPORTER_ARGS");
        var args = exec.Skip(1).Where(a => a != "$KVM_EXPORTER_ARGS").Concat(defaults).ToArray();
        var parsed = ExporterOptions.Parse(args, new Hashtable());
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Equal(":9177", parsed.Options!.ListenAddress);
    }

    [Fact]
    public void AnalyzerCommandLine_AndDefaults_AreAcceptedByTheAnalyzer()
    {
        var exec = Directives("kvm-analyzer.service")["ExecStart"].Single().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("serve", exec[1]);
        var args = new CommandArgs(exec.Skip(2).Where(a => a != "$KVM_ANALYZER_ARGS").Concat(EnvArgs("kvm-analyzer.default", "KVM_ANALYZER_ARGS")).ToArray());
        var options = AnalyzerServiceOptions.Parse(args);
        Assert.Equal("prometheus", SourceOptions.Create(args).Name);
        args.EnsureAllUsed();
        Assert.Equal("/var/lib/kvm-analyzer", options.DataDirectory);
        Assert.Equal("kvm-analyzer", Directives("kvm-analyzer.service")["StateDirectory"].Single());
    }

    private static string[] EnvArgs(string file, string variable)
    {
        var line = File.ReadAllLines(Path.Combine(Dir, file)).Single(l => l.StartsWith(variable + "=", StringComparison.Ordinal));
        return line[(variable.Length + 1)..].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
