using KvmMetrics.Libvirt.Native;

namespace KvmMetrics.Libvirt.Tests.Native;

public sealed class NativeOperationsChunkLayoutTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 4)]
    [InlineData(5, 4)]
    [InlineData(7, 4)]
    [InlineData(9, 8)]
    [InlineData(40, 4)]
    [InlineData(43, 8)]
    [InlineData(3, 1)]
    [InlineData(10, 64)]
    public void ChunkLayout_CoversEveryDomainWithNoEmptySliceAndAtMostTheRequestedChunks(int count, int chunks)
    {
        var (size, slices) = NativeOperations.ChunkLayout(count, chunks);

        Assert.InRange(slices, 1, chunks);
        Assert.True(size * (slices - 1) < count, $"slice {slices} of size {size} would be empty for {count} domains");
        Assert.True(size * slices >= count, $"{slices} slices of {size} miss domains of {count}");
    }

    [Fact]
    public void ChunkLayout_FiveDomainsInFourChunks_IsThreeSlices()
    {
        Assert.Equal((2, 3), NativeOperations.ChunkLayout(5, 4));
    }
}
