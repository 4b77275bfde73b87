using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.TestSupport;

/// <summary>
/// A small tmpfs (<c>mount -t tmpfs -o size=...</c>) for disk-full tests: <see cref="Fill"/> takes every free byte
/// so the next write fails with a real ENOSPC, <see cref="Free"/> gives the space back. Mounting needs root (or a
/// mount namespace): where it is not permitted the test is skipped locally and fails under <c>CI=true</c>.
/// Dispose unmounts and removes the directory.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private const string FillerName = ".kmt-filler";

    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="sizeKiB"/> KiB on a fresh directory, or skips (locally) / fails (CI).</summary>
    public static TmpfsMount Require(int sizeKiB)
    {
        var dir = Directory.CreateTempSubdirectory("kmt-tmpfs-").FullName;
        var (code, _, stderr) = ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={sizeKiB}k,mode=0755", "tmpfs", dir], TimeSpan.FromSeconds(30))
            .GetAwaiter().GetResult();
        if (code != 0)
        {
            Directory.Delete(dir);
        }

        Requirements.Require(code == 0, $"a tmpfs mount for a disk-full test (mount -t tmpfs needs root: {stderr.Trim()})");
        return new TmpfsMount(dir);
    }

    /// <summary>Free bytes left on the mount.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a filler file until the file system is full (ENOSPC), so every later write fails.</summary>
    public void Fill()
    {
        var chunk = new byte[4096];
        using var filler = new FileStream(System.IO.Path.Combine(Path, FillerName), FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full. Fill the last partial block with single bytes.
        }

        try
        {
            while (true)
            {
                filler.Write(chunk, 0, 1);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Deletes the filler: the space is back.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, FillerName));

    /// <inheritdoc />
    public void Dispose()
    {
        var (code, _, _) = ProcessRunner.RunAsync("umount", [Path], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (code != 0)
        {
            // Something still holds a file open there: detach now, the kernel frees it when the last handle closes.
            ProcessRunner.RunAsync("umount", ["-l", Path], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
