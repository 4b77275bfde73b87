using System.Text.Json;

namespace KvmMetrics.Analyzer.Tests.Commands;

public sealed class PlanCommandTests : IDisposable
{
    private readonly PlanCommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Plan_SmallCluster_WritesMovesAndPrintsASummary()
    {
        var output = _f.InDir("P.json");

        var (code, stdout, stderr) = await PlanCommandFixture.Run("plan", "--cluster", _f.ClusterPath, "--history", _f.HistoryPath, "--output", output);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var moves = doc.RootElement.GetProperty("moves").EnumerateArray().ToArray();
        Assert.NotEmpty(moves);
        Assert.Equal("antiAffinity", moves[0].GetProperty("kind").GetString());
        foreach (var m in moves)
        {
            Assert.Equal("a", m.GetProperty("from").GetString());
            Assert.False(string.IsNullOrEmpty(m.GetProperty("reason").GetString()));
            Assert.Equal(2, m.GetProperty("before").GetArrayLength());
            Assert.Equal(2, m.GetProperty("after").GetArrayLength());
            Assert.True(m.GetProperty("cost").GetProperty("transferBytes").GetInt64() > 0);
        }

        Assert.DoesNotContain(moves, m => m.GetProperty("vm").GetString() == "vm5");
        Assert.Equal(PlanCommandFixture.PlanTime, doc.RootElement.GetProperty("planTime").GetInt64());
        Assert.True(doc.RootElement.GetProperty("hotspots").GetProperty("findings").GetArrayLength() > 0);
        Assert.Contains("plan for 2023-11-15 00:00 UTC", stdout, StringComparison.Ordinal);
        Assert.Contains(" -> ", stdout, StringComparison.Ordinal);
        Assert.Contains("hotspots:", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_f.InDir("P.state.json")));
    }

    [Fact]
    public async Task Plan_SameInputs_WriteByteIdenticalPlans()
    {
        var args = new[] { "plan", "--cluster", _f.ClusterPath, "--history", _f.HistoryPath, "--output" };

        var one = await PlanCommandFixture.Run([.. args, _f.InDir("1.json"), "--state", _f.InDir("s1.json")]);
        var two = await PlanCommandFixture.Run([.. args, _f.InDir("2.json"), "--state", _f.InDir("s2.json")]);

        Assert.Equal((0, 0), (one.Code, two.Code));
        Assert.Equal(File.ReadAllBytes(_f.InDir("1.json")), File.ReadAllBytes(_f.InDir("2.json")));
    }

    [Fact]
    public async Task Plan_SecondRunWithState_DoesNotMoveTheSameVmsAgain()
    {
        var state = _f.InDir("state.json");
        var args = new[] { "plan", "--cluster", _f.ClusterPath, "--history", _f.HistoryPath, "--state", state, "--output" };

        var first = await PlanCommandFixture.Run([.. args, _f.InDir("1.json")]);
        Assert.Equal(0, first.Code);
        using var stateDoc = JsonDocument.Parse(File.ReadAllText(state));
        var recorded = stateDoc.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("vm").GetString()).ToArray();
        Assert.NotEmpty(recorded);

        // Same snapshot again (the operator has not executed the plan): the recorded VMs are cooling down.
        var second = await PlanCommandFixture.Run([.. args, _f.InDir("2.json")]);
        Assert.Equal(0, second.Code);
        using var doc = JsonDocument.Parse(File.ReadAllText(_f.InDir("2.json")));
        var optional = doc.RootElement.GetProperty("moves").EnumerateArray().Where(m => !m.GetProperty("mandatory").GetBoolean());
        Assert.DoesNotContain(optional, m => recorded.Contains(m.GetProperty("vm").GetString()));
    }

    [Fact]
    public async Task Plan_CorruptStateFile_WarnsAndRebuilds()
    {
        var state = _f.InDir("state.json");
        File.WriteAllText(state, "{ not json");

        var (code, _, stderr) = await PlanCommandFixture.Run("plan", "--cluster", _f.ClusterPath, "--history", _f.HistoryPath, "--output", _f.InDir("P.json"), "--state", state);

        Assert.Equal(0, code);
        Assert.Contains("state file", stderr, StringComparison.Ordinal);
        using var rebuilt = JsonDocument.Parse(File.ReadAllText(state));
        Assert.Equal(JsonValueKind.Array, rebuilt.RootElement.GetProperty("migrations").ValueKind);
    }

    [Theory]
    [InlineData("\"vcpus\": 4, \"memoryBytes\": 8589934592}", "\"vcpus\": \"four\", \"memoryBytes\": 8589934592}", "vms[0] (VM 'vm1').vcpus must be an integer")]
    [InlineData("{\"name\": \"vm5\", \"host\": \"b\"", "{\"name\": \"vm5\", \"host\": \"zz\"", "vms[4].host: VM 'vm5' is on unknown host 'zz'")]
    [InlineData("{\"name\": \"vm2\"", "{\"name\": \"vm1\"", "vms[1].name: duplicate VM 'vm1'")]
    [InlineData("\"cpuCores\": 8, \"memoryBytes\": 68719476736}", "\"cpuCores\": -8, \"memoryBytes\": 68719476736}", "hosts[0].cpuCores must be from")]
    [InlineData("\"maxMigrations\": 3", "\"maxMigration\": 3", "policy: unknown field 'maxMigration'")]
    [InlineData("\"maxMigrations\": 3", "\"maxMigrations\": 3, \"searchBeamWidth\": 0", "policy.searchBeamWidth must be an integer from 1 to 256")]
    [InlineData("\"maxMigrations\": 3", "\"maxMigrations\": 3, \"loadUncertainty\": 2", "policy.loadUncertainty must be between 0 and 1")]
    [InlineData("\"pinned\": [\"vm5\"]", "\"pinned\": [\"vm9\"]", "constraints.pinned: unknown VM 'vm9'")]
    [InlineData("\"planTime\": 1700006400", "\"planTime\": 1700006400 ]", "not valid JSON")]
    public async Task Plan_BadClusterJson_ExitsWith2AndNamesTheField(string find, string replace, string expected)
    {
        var json = PlanCommandFixture.ValidCluster.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(PlanCommandFixture.ValidCluster, json);
        var cluster = _f.InDir("bad.json");
        File.WriteAllText(cluster, json);

        var (code, _, stderr) = await PlanCommandFixture.Run("plan", "--cluster", cluster, "--history", _f.HistoryPath, "--output", _f.InDir("P.json"));

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("bad.json", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_f.InDir("P.json")));
    }

    [Fact]
    public async Task Plan_VmTooBigForAnyHost_IsRejected()
    {
        var json = PlanCommandFixture.ValidCluster.Replace("{\"name\": \"vm5\", \"host\": \"b\", \"vcpus\": 2, \"memoryBytes\": 4294967296}",
            "{\"name\": \"vm5\", \"host\": \"b\", \"vcpus\": 2, \"memoryBytes\": 999999999999}", StringComparison.Ordinal);
        var cluster = _f.InDir("big.json");
        File.WriteAllText(cluster, json);

        var (code, _, stderr) = await PlanCommandFixture.Run("plan", "--cluster", cluster, "--history", _f.HistoryPath, "--output", _f.InDir("P.json"));

        Assert.Equal(2, code);
        Assert.Contains("VM 'vm5' needs 999999999999 bytes, more than any host offers", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MissingOptionOrFile_ExitsWith2()
    {
        var missing = await PlanCommandFixture.Run("plan", "--cluster", _f.ClusterPath, "--output", _f.InDir("P.json"));
        var noFile = await PlanCommandFixture.Run("plan", "--cluster", _f.InDir("nope.json"), "--history", _f.HistoryPath, "--output", _f.InDir("P.json"));

        Assert.Equal(2, missing.Code);
        Assert.Contains("--history is required", missing.Err, StringComparison.Ordinal);
        Assert.Equal(2, noFile.Code);
        Assert.Contains("nope.json' does not exist", noFile.Err, StringComparison.Ordinal);
    }
}
