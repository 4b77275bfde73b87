using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Tests.Fixtures;

namespace KvmMetrics.Cgroups.Tests.Discovery;

public class ScopeResolverTests
{
    public static TheoryData<string, string, string, string, string> FoundCases => new()
    {
        // layout, domain name, expected domain directory (relative to the cgroup2 root), layout label, resolved by
        { "systemd-v2", "web.prod-01", @"/machine.slice/machine-qemu\x2d1\x2dweb.prod\x2d01.scope/libvirt", "systemd", "pid" },
        { "systemd-v2", "db_primary #2", @"/machine.slice/machine-qemu\x2d7\x2ddbprimary2.scope/libvirt", "systemd", "name" },
        { "systemd-v2", "tenant-a-vm", @"/machine.slice/machine-tenant\x2da.slice/machine-qemu\x2d12\x2dtenant\x2da\x2dvm.scope/libvirt", "systemd", "name" },
        { "systemd-pre71", "web.prod-01", @"/machine.slice/machine-qemu\x2d1\x2dweb.prod\x2d01.scope", "systemd_flat", "pid" },
        { "systemd-pre71", "db_primary #2", @"/machine.slice/machine-qemu\x2d7\x2ddbprimary2.scope", "systemd_flat", "name" },
        { "cgroupfs", "build-runner", "/machine/qemu-5-build-runner.libvirt-qemu", "cgroupfs", "pid" },
        { "cgroupfs", "ci-worker-with-a-really-long-descriptive-name-that-libvirt-truncates-0042",
            "/machine/qemu-6-ci-worker-with-a-really-long-descriptive-name-that-libvir.libvirt-qemu", "cgroupfs", "name" },
        { "hybrid", "cg3probe-spin", "/machine/qemu-8-cg3probe-spin.libvirt-qemu", "cgroupfs", "pid" },
    };

    [Theory]
    [MemberData(nameof(FoundCases))]
    public void Resolve_FixtureDomain_FindsItsScope(string layout, string name, string relative, string layoutLabel, string resolvedBy)
    {
        var tree = FixtureTree.Shared(layout);
        var resolver = new ScopeResolver(tree.Paths, CgroupMount.Discover(tree.Paths, out _));
        var domain = tree.Domains().Single(d => d.Name == name);

        var resolution = resolver.Resolve(domain);

        Assert.Equal(ScopeMissingReason.Found, resolution.Reason);
        Assert.NotNull(resolution.Scope);
        Assert.Equal(relative, resolution.Scope.RelativePath);
        Assert.Equal(layoutLabel, resolution.Scope.LayoutLabel);
        Assert.Equal(resolvedBy, resolution.Scope.ResolvedBy);
        Assert.True(Directory.Exists(resolution.Scope.DomainPath));
    }

    [Fact]
    public void Resolve_StalePidAndNoDirectory_IsNoScope()
    {
        var tree = FixtureTree.Shared("systemd-v2");
        var resolver = new ScopeResolver(tree.Paths, CgroupMount.Discover(tree.Paths, out _));

        var resolution = resolver.Resolve(tree.Domains().Single(d => d.Name == "batch-3"));

        Assert.Null(resolution.Scope);
        Assert.Equal(ScopeMissingReason.NoScope, resolution.Reason);
        Assert.Contains("99999", resolution.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoCgroup2_SaysSo()
    {
        var resolver = new ScopeResolver(HostPaths.Default, cgroupRoot: null);

        Assert.Equal(ScopeMissingReason.NoCgroup2, resolver.Resolve(new DomainIdentity("u", "n", 1)).Reason);
    }

    [Fact]
    public void Resolve_PidFileUnreadableAndNoScope_IsPidUnreadable()
    {
        using var tree = FixtureTree.Materialize("cgroupfs");
        var pidFile = tree.PathOf("var", "run", "libvirt", "qemu", "ghost.pid");
        Directory.CreateDirectory(pidFile); // reading a directory fails with an I/O error, even as root
        var resolver = new ScopeResolver(tree.Paths, CgroupMount.Discover(tree.Paths, out _));

        var resolution = resolver.Resolve(new DomainIdentity("u", "ghost", 40));

        Assert.Equal(ScopeMissingReason.PidUnreadable, resolution.Reason);
    }

    [Fact]
    public void Resolve_WrongIdInPidCgroup_FallsBackToNames()
    {
        // The pid file names a process of another domain incarnation (id 4, not 5): never trust it.
        using var tree = FixtureTree.Materialize("cgroupfs");
        File.WriteAllText(tree.PathOf("proc", "7001", "cgroup"), "0::/machine/qemu-4-build-runner.libvirt-qemu/emulator\n");
        var resolver = new ScopeResolver(tree.Paths, CgroupMount.Discover(tree.Paths, out _));

        var resolution = resolver.Resolve(tree.Domains().Single(d => d.Name == "build-runner"));

        Assert.Equal("name", resolution.Scope?.ResolvedBy);
        Assert.Equal("/machine/qemu-5-build-runner.libvirt-qemu", resolution.Scope?.RelativePath);
    }

    [Theory]
    [InlineData("/machine/qemu-5-x.libvirt-qemu/emulator", "/machine/qemu-5-x.libvirt-qemu")]
    [InlineData("/machine/qemu-5-x.libvirt-qemu/vcpu12", "/machine/qemu-5-x.libvirt-qemu")]
    [InlineData(@"/machine.slice/machine-qemu\x2d5\x2dx.scope/libvirt/emulator", @"/machine.slice/machine-qemu\x2d5\x2dx.scope")]
    [InlineData(@"/machine.slice/machine-qemu\x2d5\x2dx.scope/libvirt", @"/machine.slice/machine-qemu\x2d5\x2dx.scope")]
    [InlineData(@"/machine.slice/machine-qemu\x2d5\x2dx.scope", @"/machine.slice/machine-qemu\x2d5\x2dx.scope")]
    [InlineData(@"/machine.slice/machine-qemu\x2d50\x2dx.scope/emulator", null)]
    [InlineData("/system.slice/cron.service", null)]
    [InlineData("/", null)]
    [InlineData("/../qemu-5-x.libvirt-qemu/..", null)]
    public void ScopeFromProcPath_StripsThreadAndLibvirtDirectories(string path, string? expected) =>
        Assert.Equal(expected, ScopeResolver.ScopeFromProcPath(path, new DomainIdentity("u", "x", 5)));
}
