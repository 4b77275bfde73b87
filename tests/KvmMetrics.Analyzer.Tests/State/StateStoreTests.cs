using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.State;

namespace KvmMetrics.Analyzer.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-state-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Load_MissingFile_IsNullWithoutProblem()
    {
        var store = new StateStore(_dir.FullName);
        var problems = new List<string>();
        store.Problem += (_, m) => problems.Add(m);
        Assert.Null(store.Load<PlacementState>("placement.json"));
        Assert.Empty(problems);
        Assert.Empty(store.Rebuilt);
    }

    [Theory]
    [InlineData("{\"placement\": {\"vm1\": ")]
    [InlineData("null")]
    [InlineData("\u0000\u0001binary")]
    [InlineData("[1,2,3]")]
    public void Load_CorruptFile_IsMovedAsideAndReported(string content)
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "placement.json"), content);
        var store = new StateStore(_dir.FullName);
        var problems = new List<string>();
        store.Problem += (_, m) => problems.Add(m);
        Assert.Null(store.Load<PlacementState>("placement.json"));
        Assert.Single(problems);
        Assert.Contains("placement.json", problems[0], StringComparison.Ordinal);
        Assert.Equal(1, store.Rebuilt["placement.json"]);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "placement.json")));
        Assert.Equal(content, File.ReadAllText(Path.Combine(_dir.FullName, "placement.json.corrupt")));
    }

    [Fact]
    public void Save_ThenLoad_RoundTrips_AndLeavesNoTempFile()
    {
        var store = new StateStore(_dir.FullName);
        var state = new PlacementState(new Dictionary<string, string> { ["vm1"] = "h1" }, [new("vm1", "h0", "h1", 123)]);
        Assert.Null(store.Save("placement.json", state));
        var loaded = store.Load<PlacementState>("placement.json")!;
        Assert.Equal("h1", loaded.Placement["vm1"]);
        Assert.Equal(123, loaded.Migrations.Single().Time);
        Assert.Equal(["placement.json"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Save_IntoAReadOnlyPlace_ReturnsTheErrorInsteadOfThrowing()
    {
        var store = new StateStore(_dir.FullName);
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "placement.json.tmp", "x"));
        var error = store.Save("placement.json", PlacementState.Empty);
        Assert.NotNull(error);
        Assert.Contains("placement.json", error, StringComparison.Ordinal);
    }
}
