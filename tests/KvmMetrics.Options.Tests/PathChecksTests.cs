namespace KvmMetrics.Options.Tests;

public sealed class PathChecksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvm-paths-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Readable_MissingFile_SaysSoWithTheFullPath()
    {
        var problem = PathChecks.Readable(Path.Combine(_dir, "nope.csv"), out _);
        Assert.Equal($"does not exist ({Path.Combine(_dir, "nope.csv")}); check the path", problem);
    }

    [Fact]
    public void Readable_Directory_IsRejected()
    {
        Assert.StartsWith("is a directory", PathChecks.Readable(_dir, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void WritableDirectory_ExistingFile_IsRejected()
    {
        var file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "x");
        Assert.StartsWith("exists and is not a directory", PathChecks.WritableDirectory(file, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void WritableDirectory_UnderAFile_IsRejected()
    {
        var file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "x");
        Assert.Equal($"cannot be created: {file} is a file, not a directory", PathChecks.WritableDirectory(Path.Combine(file, "a", "b"), out _));
    }

    [Fact]
    public void WritableDirectory_NewPath_IsAcceptedWithoutCreatingIt()
    {
        var target = Path.Combine(_dir, "a", "b");
        Assert.Null(PathChecks.WritableDirectory(target, out var full));
        Assert.Equal(target, full);
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir)); // the write probe is gone
    }

    [Fact]
    public void WritableDirectory_ReadOnlyPlace_IsRejected()
    {
        // /proc refuses new files even for root, unlike a chmod-ed directory.
        Assert.StartsWith("is not writable", PathChecks.WritableDirectory("/proc/kvm-metrics-test", out _), StringComparison.Ordinal);
    }

    [Fact]
    public void WritableFile_ExistingDirectory_IsRejected()
    {
        Assert.StartsWith("is an existing directory", PathChecks.WritableFile(_dir, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void RelativePath_ResolvesAgainstTheWorkingDirectory()
    {
        Assert.Null(PathChecks.WritableFile("out/x.json", out var full));
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "out", "x.json"), full);
    }
}
