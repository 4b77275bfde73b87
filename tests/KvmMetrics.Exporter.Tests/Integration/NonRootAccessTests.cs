using System.Globalization;
using System.Text.RegularExpressions;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Processes;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>
/// The real exporter executable run without root, the way the shipped systemd unit runs it: its own unprivileged
/// uid and gid plus the <c>libvirt</c> supplementary group (<c>SupplementaryGroups=libvirt</c>), against the daemon's
/// read-only socket as <c>deploy/libvirt/libvirtd-readonly-group.conf</c> configures it (the test daemon is started
/// with that file by <c>scripts/libvirtd.sh</c>). <c>setpriv</c> drops root before the program starts, so nothing of
/// the test runner's privileges is inherited. Without the group the same process must degrade honestly.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class NonRootAccessTests
{
    // nobody/nogroup: present on every Debian system, owns no files the exporter could lean on.
    private const int NobodyUid = 65534;
    private const string RoSocket = "/var/run/libvirt/libvirt-sock-ro";

    [SkippableFact]
    public async Task InLibvirtGroup_ReadOnlySocket_ServesDomainAndCgroupSeries()
    {
        var host = LibvirtTestHost.Require();
        var libvirtGid = RequireDropPrivileges();
        var suffix = "-e2n" + Guid.NewGuid().ToString("N")[..6];
        var guest = await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { NameSuffix = suffix });
        try
        {
            await using var exporter = await StartAsNobodyAsync(["--groups=" + libvirtGid.ToString(CultureInfo.InvariantCulture)], suffix);
            AssertRunsUnprivileged(exporter.Id, expectLibvirtGroup: libvirtGid);

            // The cgroup collector joins domains the previous round found, so the guest's cgroup series come from the second scrape on.
            var lines = await ScrapeUntilAsync(exporter, l => l.Single("kvm_exporter_collector_success", null, ("collector", "domain")) == 1 && l.Where("kvm_cgroup_found", guest.Name).Any());
            Assert.Equal(1, lines.Single("kvm_libvirt_up"));
            Assert.Equal(1, lines.Single("kvm_domain_state", guest.Name, ("state", "running")));
            Assert.True(lines.Single("kvm_domain_cpu_time_seconds_total", guest.Name) > 0);
            // cgroup v2 files are world-readable: the joined cgroup series come without any privilege
            Assert.Equal(1, lines.Single("kvm_exporter_collector_success", null, ("collector", "cgroup")));
            var found = lines.Where("kvm_cgroup_found", guest.Name).ToArray();
            Assert.True(found is [{ Value: 1 }], "kvm_cgroup_found: " + string.Join("; ", found.Select(l => string.Join(",", l.Labels.Select(kv => kv.Key + "=" + kv.Value)) + " " + l.Value))
                + " / cgroup lines: " + string.Join("; ", lines.Where(l => l.Name.StartsWith("kvm_cgroup", StringComparison.Ordinal) || l.Name.Contains("collector", StringComparison.Ordinal)).Take(12).Select(l => l.Name + "{" + string.Join(",", l.Labels.Select(kv => kv.Key + "=" + kv.Value)) + "} " + l.Value)));
            Assert.True(lines.Single("kvm_cgroup_cpu_usage_seconds_total", guest.Name) > 0);
        }
        finally
        {
            await GuestFactory.DisposeAllAsync([guest]);
        }
    }

    [SkippableFact]
    public async Task OutsideLibvirtGroup_ExitsTwoWithOneLineNamingTheUriAndTheSocketError()
    {
        LibvirtTestHost.Require();
        RequireDropPrivileges();
        // Checked at start: a unit without the libvirt group stops with the fix instead of serving libvirt_up 0 forever.
        var (code, _, stderr) = await ProcessRunner.RunAsync("setpriv",
            ["--reuid=" + NobodyUid, "--regid=" + NobodyUid, "--clear-groups", "--inh-caps=-all", "--",
             RepoPaths.BuiltExecutable("KvmMetrics.Exporter"), "--web.listen-address=127.0.0.1:0", "--libvirt.uri=qemu:///system"],
            TimeSpan.FromSeconds(60));
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("kvm-exporter: error: --libvirt.uri=qemu:///system: cannot connect to libvirt", line, StringComparison.Ordinal);
        Assert.Contains("Permission denied", line, StringComparison.Ordinal);
        Assert.Contains("libvirt-sock-ro", line, StringComparison.Ordinal);
        Assert.Contains("group libvirt", line, StringComparison.Ordinal);
    }

    /// <summary>Root and setpriv to drop privileges, and a daemon whose read-only socket the libvirt group may open; returns that gid.</summary>
    private static int RequireDropPrivileges()
    {
        Requirements.Require(Environment.UserName == "root" || GetUid() == 0, "root, to run the exporter as another user");
        Requirements.RequireTool("setpriv");
        var group = File.ReadLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 3 && f[0] == "libvirt");
        Requirements.Require(group is not null, "a libvirt group (bash scripts/libvirtd.sh start creates it)");
        var gid = int.Parse(group![2], CultureInfo.InvariantCulture);
        var owner = Stat(RoSocket);
        Requirements.Require(owner == gid.ToString(CultureInfo.InvariantCulture) + " 770",
            $"libvirtd's read-only socket as libvirt:0770 (bash scripts/libvirtd.sh start applies deploy/libvirt/libvirtd-readonly-group.conf; now gid and mode '{owner}')");
        return gid;
    }

    private static async Task<ChildProcess> StartAsNobodyAsync(string[] groups, string suffix) =>
        await ChildProcess.StartAsync("setpriv",
            ["--reuid=" + NobodyUid, "--regid=" + NobodyUid, .. groups, "--inh-caps=-all", "--",
             RepoPaths.BuiltExecutable("KvmMetrics.Exporter"),
             "--web.listen-address=127.0.0.1:0", "--libvirt.uri=qemu:///system", "--domain.include=.*" + suffix, "--scrape.timeout=10s"],
            ListeningRegex(),
            new Dictionary<string, string> { ["HOME"] = "/nonexistent", ["DOTNET_CLI_HOME"] = Path.GetTempPath() });

    /// <summary>Reads the kernel's view of the child: every uid and gid non-root, and the libvirt group present or absent.</summary>
    private static void AssertRunsUnprivileged(int pid, int? expectLibvirtGroup)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        int[] Field(string name) => status.Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..]
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(Field("Uid:"), u => Assert.Equal(NobodyUid, u));
        Assert.All(Field("Gid:"), g => Assert.Equal(NobodyUid, g));
        Assert.Equal(0L, Convert.ToInt64(status.Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal))[7..].Trim(), 16));
        var groups = Field("Groups:");
        if (expectLibvirtGroup is { } gid)
        {
            Assert.Equal([gid], groups);
        }
        else
        {
            Assert.Empty(groups);
        }
    }

    private static async Task<IReadOnlyList<ExpositionText.Line>> ScrapeUntilAsync(ChildProcess exporter, Func<IReadOnlyList<ExpositionText.Line>, bool> done)
    {
        using var http = new HttpClient { BaseAddress = exporter.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        IReadOnlyList<ExpositionText.Line> lines = [];
        for (var i = 0; i < 20; i++)
        {
            lines = ExpositionText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
            if (done(lines))
            {
                return lines;
            }

            await Task.Delay(500);
        }

        return lines;
    }

    private static int GetUid() => int.Parse(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal))
        .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>"gid mode" of a file, e.g. "112 770" (.NET has no stat() for the group; stat(1) is in coreutils).</summary>
    private static string Stat(string path)
    {
        var (code, stdout, stderr) = ProcessRunner.RunAsync("stat", ["-c", "%g %a", path], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return code == 0 ? stdout.Trim() : stderr.Trim();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningRegex();
}
