namespace KvmMetrics.Analyzer.Tests.EndToEnd;

/// <summary>
/// The end-to-end classes share one <see cref="FleetFixture"/> (guests, exporters and Prometheus take about 90 s to
/// build and gather history) and run one after the other, which also keeps their CPU use off each other's guests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "fleet";
}
