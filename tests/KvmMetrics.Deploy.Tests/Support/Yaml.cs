using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>Small YamlDotNet helpers and a structural converter (YAML nodes → plain objects) for equality checks.</summary>
public static class Yaml
{
    public static YamlMappingNode LoadMapping(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>Every non-empty document of a multi-document stream (helm template output).</summary>
    public static IReadOnlyList<YamlMappingNode> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Where(m => m.Children.Count > 0).ToArray();
    }

    public static string? Str(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value : null;

    public static YamlNode? Get(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    public static IReadOnlyDictionary<string, string> Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlMappingNode m
            ? m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A canonical text of the node's structure (maps sorted by key, scalars as their string value) for equality.</summary>
    public static string Canonical(YamlNode node) => node switch
    {
        YamlMappingNode m => "{" + string.Join(",", m.Children
            .Select(kv => (Key: ((YamlScalarNode)kv.Key).Value ?? "", Value: Canonical(kv.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => System.Text.Json.JsonSerializer.Serialize(kv.Key) + ":" + kv.Value)) + "}",
        YamlSequenceNode s => "[" + string.Join(",", s.Children.Select(Canonical)) + "]",
        YamlScalarNode sc => System.Text.Json.JsonSerializer.Serialize(sc.Value ?? ""),
        _ => "?",
    };
}
