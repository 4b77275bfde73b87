using System.Text.RegularExpressions;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Architecture;

/// <summary>
/// The analyzer's namespaces depend one way (issue 19): read from the sources, a namespace uses another through a
/// <c>using KvmMetrics.Analyzer.X</c> directive or a qualified <c>KvmMetrics.Analyzer.X.</c> / <c>X.</c> name.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    [Fact]
    public void AnalyzerNamespaces_HaveNoCycle()
    {
        var root = Path.Combine(RepoPaths.Root, "src", "KvmMetrics.Analyzer");
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToArray();
        var all = files.Select(f => Namespace().Match(File.ReadAllText(f))).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var ns = Namespace().Match(text);
            if (!ns.Success)
            {
                continue;
            }

            var from = ns.Groups[1].Value;
            var to = edges.TryGetValue(from, out var set) ? set : edges[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in Qualified().Matches(text))
            {
                var target = "KvmMetrics.Analyzer." + m.Groups[1].Value;
                if (target != from && all.Contains(target))
                {
                    to.Add(target);
                }
            }
        }

        Assert.True(edges.ContainsKey("KvmMetrics.Analyzer.Service") && edges.ContainsKey("KvmMetrics.Analyzer.WriteBack"), "namespaces not found under " + root);
        var cycles = new List<string>();
        foreach (var (a, targets) in edges)
        {
            foreach (var b in targets)
            {
                if (string.CompareOrdinal(a, b) < 0 && edges.TryGetValue(b, out var back) && back.Contains(a))
                {
                    cycles.Add($"{a} <-> {b}");
                }
            }
        }

        Assert.True(cycles.Count == 0, "namespace cycles: " + string.Join(", ", cycles));
    }

    [GeneratedRegex(@"^namespace (KvmMetrics\.Analyzer(?:\.[A-Za-z]+)*);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"KvmMetrics\.Analyzer\.([A-Z][A-Za-z]*)")]
    private static partial Regex Qualified();
}
