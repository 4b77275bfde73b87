namespace KvmMetrics.Exporter.Tests;

public sealed class ProgramTests
{
    [Fact]
    public async Task Main_InvalidOption_ExitsWithCode2WithoutStarting()
    {
        Assert.Equal(2, await Program.Main(["--scrape.timeout=0"]));
    }

    [Fact]
    public async Task Main_Help_ExitsZero()
    {
        Assert.Equal(0, await Program.Main(["--help"]));
    }
}
