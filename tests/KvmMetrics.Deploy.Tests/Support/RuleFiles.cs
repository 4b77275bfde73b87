using KvmMetrics.TestSupport;
using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>One rule of a Prometheus rule file.</summary>
public sealed record Rule(string Group, string? Alert, string? Record, string Expr, string? For,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

/// <summary>The rule files of alerts/, parsed with YamlDotNet.</summary>
public sealed class RuleFiles
{
    private RuleFiles(IReadOnlyList<Rule> rules) => Rules = rules;

    public static string MainFile => RepoPaths.InRepo("alerts", "kvm-metrics.rules.yml");

    /// <summary>Every rule file in alerts/ (the tests live in alerts/tests/).</summary>
    public static IEnumerable<string> All => Directory.GetFiles(RepoPaths.InRepo("alerts"), "*.yml").Order(StringComparer.Ordinal);

    public IReadOnlyList<Rule> Rules { get; }

    public IEnumerable<Rule> Alerts => Rules.Where(r => r.Alert is not null);

    public IReadOnlySet<string> RecordNames => Rules.Where(r => r.Record is not null).Select(r => r.Record!).ToHashSet(StringComparer.Ordinal);

    public static RuleFiles Load(string path) => Parse(File.ReadAllText(path));

    public static RuleFiles Parse(string text)
    {
        var root = Yaml.LoadMapping(text);
        var rules = new List<Rule>();
        foreach (var g in ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>())
        {
            var group = Yaml.Str(g, "name")!;
            foreach (var r in ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            {
                rules.Add(new Rule(group, Yaml.Str(r, "alert"), Yaml.Str(r, "record"), Yaml.Str(r, "expr")!, Yaml.Str(r, "for"),
                    Yaml.Map(r, "labels"), Yaml.Map(r, "annotations")));
            }
        }

        return new RuleFiles(rules);
    }
}
