using System.Collections.Concurrent;
using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Cgroups.Tests.Fixtures;

/// <summary>
/// A fixture host tree (testdata/layouts/&lt;layout&gt;) copied to a fresh temp directory with its real file
/// names: '_BSL_' in a committed name stands for '\' (systemd's <c>\x2d</c>), because MSBuild globbing
/// breaks on backslashes in file names. Each test gets its own copy, so it may damage it.
/// </summary>
public sealed class FixtureTree : IDisposable
{
    /// <summary>The token committed in place of a backslash.</summary>
    public const string BackslashToken = "_BSL_";

    /// <summary>The four layouts under testdata/layouts.</summary>
    public static readonly string[] Layouts = ["systemd-v2", "systemd-pre71", "cgroupfs", "hybrid"];

    private static readonly ConcurrentDictionary<string, Lazy<FixtureTree>> SharedTrees = new(StringComparer.Ordinal);

    private FixtureTree(string root) => Root = root;

    /// <summary>The materialised root (shaped like '/').</summary>
    public string Root { get; }

    /// <summary>The host paths of this tree (cgroup root discovered from its mountinfo).</summary>
    public HostPaths Paths => HostPaths.UnderRoot(Root);

    /// <summary>The committed source directory of a layout (in the repository, not the build output).</summary>
    public static string SourceOf(string layout) => RepoPaths.InRepo("tests", "KvmMetrics.Cgroups.Tests", "testdata", "layouts", layout);

    /// <summary>Copies <paramref name="layout"/> to a new temp directory.</summary>
    public static FixtureTree Materialize(string layout)
    {
        var source = SourceOf(layout);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException("fixture layout missing: " + source);
        }

        var root = Path.Combine(Path.GetTempPath(), "kmt-cgroup-" + layout + "-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace(BackslashToken, "\\", StringComparison.Ordinal);
            var target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return new FixtureTree(root);
    }

    /// <summary>
    /// One copy per layout shared by every read-only test of the process (copying a tree costs seconds
    /// on a busy machine); removed when the process exits. Tests that change files use <see cref="Materialize"/>
    /// or <see cref="CopyDomain"/>.
    /// </summary>
    public static FixtureTree Shared(string layout) => SharedTrees.GetOrAdd(layout, l => new Lazy<FixtureTree>(() =>
    {
        var tree = Materialize(l);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => tree.Dispose();
        return tree;
    })).Value;

    /// <summary>
    /// A private, writable copy of one domain's directory (its files, and its thread directories when
    /// <paramref name="withThreads"/>) from the shared tree of <paramref name="layout"/>, described as a
    /// scope. Dispose the returned tree.
    /// </summary>
    public static (FixtureTree Tree, DomainScope Scope) CopyDomain(string layout, string domainName, bool withThreads = false)
    {
        var shared = Shared(layout);
        var resolver = new ScopeResolver(shared.Paths, CgroupMount.Discover(shared.Paths, out _));
        var source = resolver.Resolve(shared.Domains().Single(d => d.Name == domainName)).Scope
            ?? throw new InvalidOperationException("fixture scope not found: " + domainName);
        var root = Path.Combine(Path.GetTempPath(), "kmt-cgroup-domain-" + Guid.NewGuid().ToString("N")[..8]);
        var target = Path.Combine(root, "scope");
        Copy(source.DomainPath, target, withThreads);
        return (new FixtureTree(root), source with { ScopePath = target, DomainPath = target });
    }

    private static void Copy(string from, string to, bool recursive)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        if (recursive)
        {
            foreach (var dir in Directory.GetDirectories(from))
            {
                Copy(dir, Path.Combine(to, Path.GetFileName(dir)), recursive);
            }
        }
    }

    /// <summary>The running domains listed in the layout's domains.txt (<c>uuid id name</c>).</summary>
    public IReadOnlyList<DomainIdentity> Domains() => ReadDomains(Path.Combine(Root, "domains.txt"));

    /// <summary>Parses a domains.txt file.</summary>
    public static IReadOnlyList<DomainIdentity> ReadDomains(string path) =>
        File.ReadAllLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 3))
            .Select(p => new DomainIdentity(p[0], p[2], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>A path inside the tree.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
