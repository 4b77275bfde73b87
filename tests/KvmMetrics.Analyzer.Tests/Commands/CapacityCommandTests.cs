using System.Text.Json;

namespace KvmMetrics.Analyzer.Tests.Commands;

public sealed class CapacityCommandTests : IDisposable
{
    private readonly PlanCommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Capacity_SmallCluster_WritesReportAndSummary()
    {
        var output = _f.InDir("CAP.json");

        var (code, stdout, stderr) = await PlanCommandFixture.Run("capacity", "--cluster", _f.ClusterPath, "--history", _f.HistoryPath, "--output", output);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var cpu = doc.RootElement.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("scope").GetString() == "cluster" && r.GetProperty("resource").GetString() == "cpu");
        Assert.Equal(24, cpu.GetProperty("capacity").GetDouble());
        Assert.Equal(12.8, cpu.GetProperty("usableCapacity").GetDouble(), 6); // (24 - 8) * 0.8
        Assert.Equal(8.1, cpu.GetProperty("demand").GetDouble(), 6);
        Assert.Equal(5, doc.RootElement.GetProperty("vms").GetArrayLength());
        Assert.Contains("capacity at 2023-11-15 00:00 UTC (N+1)", stdout, StringComparison.Ordinal);
        Assert.Contains("cpu", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capacity_BadCapacityOption_ExitsWith2()
    {
        var cluster = _f.InDir("bad.json");
        File.WriteAllText(cluster, PlanCommandFixture.ValidCluster.Replace("\"planTime\"", "\"capacity\": {\"reserveHosts\": -1}, \"planTime\"", StringComparison.Ordinal));

        var (code, _, stderr) = await PlanCommandFixture.Run("capacity", "--cluster", cluster, "--history", _f.HistoryPath, "--output", _f.InDir("CAP.json"));

        Assert.Equal(2, code);
        Assert.Contains("capacity.reserveHosts", stderr, StringComparison.Ordinal);
    }
}
