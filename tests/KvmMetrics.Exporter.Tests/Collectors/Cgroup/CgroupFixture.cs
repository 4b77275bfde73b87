using KvmMetrics.Exporter.Collectors.Cgroup;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exposition;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Exporter.Tests.Collectors.Cgroup;

/// <summary>
/// A fixture host tree from tests/KvmMetrics.Cgroups.Tests/testdata/layouts (the cgroup library's tests own
/// the trees; see the README there) materialised in a temp directory with its real names ('_BSL_' → '\').
/// </summary>
public sealed class CgroupFixture : IDisposable
{
    private CgroupFixture(string layout, string root)
    {
        Layout = layout;
        Root = root;
    }

    /// <summary>The layout name.</summary>
    public string Layout { get; }

    /// <summary>The materialised root (shaped like '/').</summary>
    public string Root { get; }

    /// <summary>Copies a layout to a fresh temp directory.</summary>
    public static CgroupFixture Materialize(string layout)
    {
        var source = RepoPaths.InRepo("tests", "KvmMetrics.Cgroups.Tests", "testdata", "layouts", layout);
        var root = Path.Combine(Path.GetTempPath(), "kmt-cgcoll-" + layout + "-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(source, file).Replace("_BSL_", "\\", StringComparison.Ordinal));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return new CgroupFixture(layout, root);
    }

    /// <summary>The running domains of the layout (its domains.txt).</summary>
    public IReadOnlyList<RunningDomain> Domains() =>
        File.ReadAllLines(Path.Combine(Root, "domains.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 3))
            .Select(p => new RunningDomain(p[0], p[2], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Collector options pointing at this tree (cgroup2 discovered from its mountinfo).</summary>
    public CgroupCollectorOptions Options() => CgroupCollectorOptions.Create(
        null, Path.Combine(Root, "proc"), Path.Combine(Root, "sys"), Path.Combine(Root, "var", "run", "libvirt", "qemu"));

    /// <summary>A collector over this tree and its domains.</summary>
    public CgroupCollector Collector(TimeProvider? time = null) => new(new FixedDomains(Domains()), Options(), time ?? TimeProvider.System);

    /// <summary>A path inside the tree.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Runs one scrape of <paramref name="collector"/>.</summary>
    public static async Task<MetricSet> ScrapeAsync(CgroupCollector collector)
    {
        var builder = new MetricSetBuilder();
        await collector.CollectAsync(builder, CancellationToken.None);
        return builder.Build();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>A domain directory with a fixed list.</summary>
public sealed class FixedDomains(IReadOnlyList<RunningDomain> running) : IDomainDirectory
{
    /// <inheritdoc />
    public IReadOnlyList<RunningDomain> Running { get; set; } = running;
}

