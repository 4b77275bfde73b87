using System.Collections.Concurrent;
using System.Globalization;

namespace KvmMetrics.Cgroups.Discovery;

/// <summary>
/// Resolves block device numbers (<c>MAJ:MIN</c> from <c>io.stat</c>) to kernel names (<c>vda</c>,
/// <c>nvme0n1</c>) through sysfs: <c>DEVNAME=</c> in <c>&lt;sys&gt;/dev/block/MAJ:MIN/uevent</c>, else the
/// name the <c>MAJ:MIN</c> symlink points to. Unknown numbers keep their <c>MAJ:MIN</c> text.
/// Thread-safe; names are cached (a number is reused only after its device is removed, which is rare
/// on a hypervisor; <see cref="Clear"/> drops the cache).
/// </summary>
public sealed class BlockDeviceNames(string sysRoot)
{
    private readonly ConcurrentDictionary<(int, int), string> _cache = new();

    /// <summary>The device name, or <c>MAJ:MIN</c> when sysfs does not know the number.</summary>
    public string Resolve(int major, int minor)
    {
        if (_cache.TryGetValue((major, minor), out var name))
        {
            return name;
        }

        name = Lookup(major, minor, out var found);
        if (found)
        {
            // Only real names are cached: a device that appears later gets its name on the next scrape.
            _cache[(major, minor)] = name;
        }

        return name;
    }

    /// <summary>Forgets cached names.</summary>
    public void Clear() => _cache.Clear();

    private string Lookup(int major, int minor, out bool found)
    {
        found = true;
        var number = string.Create(CultureInfo.InvariantCulture, $"{major}:{minor}");
        var dir = Path.Combine(sysRoot, "dev", "block", number);
        try
        {
            var uevent = Path.Combine(dir, "uevent");
            if (File.Exists(uevent))
            {
                foreach (var line in File.ReadLines(uevent))
                {
                    if (line.StartsWith("DEVNAME=", StringComparison.Ordinal) && line.Length > "DEVNAME=".Length)
                    {
                        // DEVNAME may contain a '/' for devices in sub-directories of /dev (e.g. "mapper/x" is not
                        // used, but "bus/..." exists for other classes); the label keeps it as it is.
                        return line["DEVNAME=".Length..];
                    }
                }
            }

            var info = new FileInfo(dir);
            if (info.LinkTarget is { Length: > 0 } target)
            {
                return Path.GetFileName(target.TrimEnd('/'));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable sysfs: fall back to the number, which is still a stable, honest label.
        }

        found = false;
        return number;
    }
}
