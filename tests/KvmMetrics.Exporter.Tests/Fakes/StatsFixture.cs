using System.Text.Json;
using KvmMetrics.Libvirt;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Exporter.Tests.Fakes;

/// <summary>Loads recorded/synthetic <see cref="DomainStats"/> from testdata/domainstats/*.json.</summary>
public static class StatsFixture
{
    public static DomainStats Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("domainstats", name)));
        var root = doc.RootElement;
        var parameters = new List<TypedParameter>();
        foreach (var p in root.GetProperty("parameters").EnumerateArray())
        {
            var type = Enum.Parse<TypedParameterType>(p.GetProperty("type").GetString()!);
            var pname = p.GetProperty("name").GetString()!;
            parameters.Add(type == TypedParameterType.String
                ? new TypedParameter(pname, type, double.NaN, p.GetProperty("text").GetString())
                : new TypedParameter(pname, type, p.GetProperty("value").GetDouble(), null));
        }

        return new DomainStats(root.GetProperty("uuid").GetString()!, root.GetProperty("name").GetString()!, root.GetProperty("id").GetInt32(), parameters);
    }

    public static DomainDescription Description(DomainStats d, params DomainDisk[] disks) =>
        new(d.Uuid, d.Name, null, null, "kvm", "hvm", "pc-q35-7.2", 2, 2, 1 << 30, 1 << 30, 0, disks, [], null);
}
