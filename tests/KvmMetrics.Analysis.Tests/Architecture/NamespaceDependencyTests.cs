using System.Text.RegularExpressions;

namespace KvmMetrics.Analysis.Tests.Architecture;

/// <summary>
/// The analysis library's namespaces depend on each other one way (docs/architecture.md): scanned from the source
/// (usings and fully qualified names), grouped by the first segment after <c>KvmMetrics.Analysis</c>.
/// </summary>
public partial class NamespaceDependencyTests
{
    [Fact]
    public void AnalysisNamespaces_HaveNoCycles()
    {
        var graph = Graph();
        Assert.Contains("Planning", graph.Keys);
        Assert.Contains("Cluster", graph["Planning"]); // the scan sees real dependencies, so an empty graph cannot pass

        var cycles = new List<string>();
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            // Depth-first search for a path back to the start.
            var stack = new Stack<(string Node, string Path)>();
            stack.Push((start, start));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (stack.Count > 0)
            {
                var (node, path) = stack.Pop();
                foreach (var next in graph.GetValueOrDefault(node, []))
                {
                    if (next == start)
                    {
                        cycles.Add(path + " -> " + start);
                    }
                    else if (seen.Add(next))
                    {
                        stack.Push((next, path + " -> " + next));
                    }
                }
            }
        }

        Assert.True(cycles.Count == 0, "namespace cycles: " + string.Join("; ", cycles.Distinct()));
    }

    [Fact]
    public void ClusterNamespace_DoesNotDependOnPlanningOrHotspots()
    {
        var graph = Graph();
        Assert.DoesNotContain("Planning", graph["Cluster"]);
        Assert.DoesNotContain("Hotspots", graph["Cluster"]);
        Assert.Empty(graph["Policy"]);
    }

    private static Dictionary<string, HashSet<string>> Graph()
    {
        var root = FindRepositoryRoot();
        var src = Path.Combine(root, "src", "KvmMetrics.Analysis");
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            var ns = NamespacePattern().Match(text);
            if (!ns.Success)
            {
                continue;
            }

            var from = ns.Groups[1].Value;
            var deps = graph.TryGetValue(from, out var d) ? d : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in ReferencePattern().Matches(text))
            {
                if (m.Groups[1].Value != from)
                {
                    deps.Add(m.Groups[1].Value);
                }
            }
        }

        return graph;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KvmMetrics.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KvmMetrics.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^namespace KvmMetrics\.Analysis\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"KvmMetrics\.Analysis\.(\w+)")]
    private static partial Regex ReferencePattern();
}
