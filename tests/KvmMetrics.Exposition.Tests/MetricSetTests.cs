namespace KvmMetrics.Exposition.Tests;

public sealed class MetricSetTests
{
    [Fact]
    public void Where_KeepsAcceptedFamiliesInOrderAndTheDropCounts()
    {
        var a = new MetricDescriptor("a_bytes", MetricType.Gauge, "A.");
        var b = new MetricDescriptor("b_bytes", MetricType.Gauge, "B.");
        var c = new MetricDescriptor("c_bytes", MetricType.Gauge, "C.");
        var builder = new MetricSetBuilder();
        builder.Add(c, 3);
        builder.Add(a, 1);
        builder.Add(a, 1);
        builder.Add(b, 2);
        var set = builder.Build();

        var kept = set.Where(f => f.Descriptor.Name != "b_bytes");

        Assert.Equal(["a_bytes", "c_bytes"], kept.Families.Select(f => f.Descriptor.Name));
        Assert.Equal(1, kept.DuplicatesDropped);
        Assert.Equal("# HELP a_bytes A.\n# TYPE a_bytes gauge\na_bytes 1\n# HELP c_bytes C.\n# TYPE c_bytes gauge\nc_bytes 3\n", TextFormatWriter.WriteToString(kept));
    }
}
