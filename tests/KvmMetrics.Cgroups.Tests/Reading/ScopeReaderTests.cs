using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Cgroups.Parsing;
using KvmMetrics.Cgroups.Reading;
using KvmMetrics.Cgroups.Tests.Fixtures;

namespace KvmMetrics.Cgroups.Tests.Reading;

public class ScopeReaderTests
{
    [Fact]
    public void Read_FullV2Scope_ParsesEveryFileWithoutProblems()
    {
        var snapshot = ScopeReader.Read(Resolve(FixtureTree.Shared("systemd-v2"), "web.prod-01"));

        Assert.Empty(snapshot.Problems);
        Assert.True(snapshot.CpuStat.IsOk);
        Assert.True(snapshot.MemoryStat.IsOk);
        Assert.True(snapshot.MemoryEvents.IsOk);
        Assert.True(snapshot.IoStat.IsOk);
        Assert.Equal(2, snapshot.IoStat.Value.Count);
        Assert.True(snapshot.PidsMax.IsOk);
        Assert.All(snapshot.MemoryValues.Values, v => Assert.True(v.IsOk));
        Assert.Equal(["vcpu0", "vcpu1", "emulator", "iothread1"], snapshot.Threads.Select(t => t.Name));
    }

    [Fact]
    public void Read_HybridScope_AbsentControllerFilesAreNotProblems()
    {
        var snapshot = ScopeReader.Read(Resolve(FixtureTree.Shared("hybrid"), "cg3probe-spin"));

        Assert.Empty(snapshot.Problems);
        Assert.True(snapshot.CpuStat.IsOk);
        Assert.Equal(CgroupFileStatus.Absent, snapshot.MemoryStat.Status);
        Assert.Equal(CgroupFileStatus.Absent, snapshot.IoStat.Status);
        Assert.Equal(CgroupFileStatus.Absent, snapshot.PidsCurrent.Status);
        Assert.True(snapshot.Pressure["io"].IsOk);
        Assert.Equal(["vcpu0", "vcpu1", "emulator", "iothread1"], snapshot.Threads.Select(t => t.Name));
    }

    public static TheoryData<string> EveryFile => new(CgroupFiles.All);

    [Theory]
    [MemberData(nameof(EveryFile))]
    public void Read_TruncatedFile_IsReportedAndOthersStillRead(string file)
    {
        var (tree, scope) = FixtureTree.CopyDomain("systemd-v2", "web.prod-01");
        using var _ = tree;
        var path = Path.Combine(scope.DomainPath, file);
        var content = File.ReadAllText(path);
        File.WriteAllText(path, content.Length > 3 ? content[..^3] : "x");

        var snapshot = ScopeReader.Read(scope);

        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal(file, problem.File);
        Assert.Equal(CgroupFileStatus.Malformed, problem.Status);
        Assert.Equal(file != CgroupFiles.CpuStat, snapshot.CpuStat.IsOk);
    }

    [Theory]
    [MemberData(nameof(EveryFile))]
    public void Read_GarbageFile_IsReported(string file)
    {
        var (tree, scope) = FixtureTree.CopyDomain("cgroupfs", "build-runner");
        using var _ = tree;
        File.WriteAllText(Path.Combine(scope.DomainPath, file), "<html>502 Bad Gateway</html>\n");

        var snapshot = ScopeReader.Read(scope);

        Assert.Equal(file, Assert.Single(snapshot.Problems).File);
    }

    [Theory]
    [MemberData(nameof(EveryFile))]
    public void Read_DeletedFile_IsAbsentNotAProblem(string file)
    {
        var (tree, scope) = FixtureTree.CopyDomain("cgroupfs", "build-runner");
        using var _ = tree;
        File.Delete(Path.Combine(scope.DomainPath, file));

        Assert.Empty(ScopeReader.Read(scope).Problems);
    }

    [Fact]
    public void Read_UnreadableFile_IsReportedAsUnreadable()
    {
        var (tree, scope) = FixtureTree.CopyDomain("cgroupfs", "build-runner");
        using var _ = tree;
        var path = Path.Combine(scope.DomainPath, CgroupFiles.MemoryStat);
        File.Delete(path);
        Directory.CreateDirectory(path); // opening a directory as a file fails with an I/O error

        var problem = Assert.Single(ScopeReader.Read(scope).Problems);

        Assert.Equal(CgroupFileStatus.Unreadable, problem.Status);
        Assert.Equal(CgroupFiles.MemoryStat, problem.File);
    }

    [Fact]
    public void Read_BadVcpuFile_IsReportedWithThreadLabel()
    {
        var (tree, scope) = FixtureTree.CopyDomain("cgroupfs", "build-runner", withThreads: true);
        using var _ = tree;
        File.WriteAllText(Path.Combine(scope.DomainPath, "vcpu2", CgroupFiles.CpuStat), "usage_usec\n");

        var snapshot = ScopeReader.Read(scope);

        Assert.Equal("vcpu/cpu.stat", Assert.Single(snapshot.Problems).File);
        Assert.Equal(3, snapshot.Threads.Count(t => t.Kind == ThreadGroupKind.Vcpu && t.CpuStat.IsOk));
    }

    [Fact]
    public void Read_ScopeRemoved_SaysDirectoryDidNotExist()
    {
        var (tree, scope) = FixtureTree.CopyDomain("cgroupfs", "build-runner");
        using var _ = tree;
        Directory.Delete(scope.ScopePath, recursive: true);

        var snapshot = ScopeReader.Read(scope);

        Assert.False(snapshot.DirectoryExisted);
        Assert.Empty(snapshot.Problems);
    }

    private static DomainScope Resolve(FixtureTree tree, string name)
    {
        var resolver = new ScopeResolver(tree.Paths, CgroupMount.Discover(tree.Paths, out _));
        return resolver.Resolve(tree.Domains().Single(d => d.Name == name)).Scope ?? throw new InvalidOperationException("fixture scope not found: " + name);
    }
}
