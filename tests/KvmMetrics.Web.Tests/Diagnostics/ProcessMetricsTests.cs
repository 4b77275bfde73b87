using KvmMetrics.Exposition;
using KvmMetrics.Web.Diagnostics;

namespace KvmMetrics.Web.Tests.Diagnostics;

public sealed class ProcessMetricsTests
{
    [Fact]
    public void ParseCpuSeconds_CommandWithSpacesAndParentheses_CountsFieldsAfterTheLastParenthesis()
    {
        // Field 14 (utime) = 250 ticks, field 15 (stime) = 50 ticks; the comm "a) b (c" would shift a naive split.
        var stat = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 12345 1000 200";
        Assert.Equal(3.0, ProcessMetrics.ParseCpuSeconds(stat, 100));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 no-parenthesis S 1")]
    [InlineData("4242 (x) S 1 2")]
    [InlineData("4242 (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 -5 50")]
    public void ParseCpuSeconds_Malformed_IsNull(string stat) => Assert.Null(ProcessMetrics.ParseCpuSeconds(stat, 100));

    [Fact]
    public void ParseMaxOpenFiles_TakesTheSoftLimit_UnlimitedIsNull()
    {
        const string Limits = "Limit                     Soft Limit           Hard Limit           Units     \n" +
                              "Max processes             63449                63449                processes \n" +
                              "Max open files            1024                 524288               files     \n";
        Assert.Equal(1024, ProcessMetrics.ParseMaxOpenFiles(Limits));
        Assert.Null(ProcessMetrics.ParseMaxOpenFiles(Limits.Replace("1024 ", "unlimited", StringComparison.Ordinal)));
        Assert.Null(ProcessMetrics.ParseMaxOpenFiles("Max processes 1 1 processes\n"));
    }

    [Fact]
    public void ParseStatusField_ReadsKilobytesAndCounts()
    {
        const string Status = "Name:\tdotnet\nVmSize:\t 5000 kB\nVmRSS:\t   1234 kB\nThreads:\t17\n";
        Assert.Equal(1234 * 1024.0, ProcessMetrics.ParseStatusField(Status, "VmRSS:", 1024));
        Assert.Equal(17, ProcessMetrics.ParseStatusField(Status, "Threads:", 1));
        Assert.Null(ProcessMetrics.ParseStatusField(Status, "VmSwap:", 1024));
    }

    [Fact]
    public void Write_OnThisProcess_ReportsWhatTheKernelAndRuntimeSay()
    {
        var builder = new MetricSetBuilder();
        using var held = File.OpenRead(typeof(ProcessMetricsTests).Assembly.Location); // at least this descriptor is open

        ProcessMetrics.Write(builder);

        var set = builder.Build();
        double One(string name) => Assert.Single(set.Find(name)!.Samples).Value;
        var rssFromStatus = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var rssKb = double.Parse(rssFromStatus.Split(' ', '\t').Last(s => s.Length > 0 && char.IsDigit(s[0])), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(One("process_resident_memory_bytes"), rssKb * 1024 * 0.5, rssKb * 1024 * 2);
        Assert.True(One("process_open_fds") >= 4, "stdin/out/err and the held file are open");
        Assert.True(One("process_threads") >= 1);
        Assert.True(One("process_cpu_seconds_total") > 0);
        Assert.InRange(One("process_start_time_seconds"), DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(One("dotnet_gc_allocated_bytes_total") > 0);
        // committed memory holds the heap, and it lives in RSS
        Assert.InRange(One("dotnet_gc_committed_bytes"), One("dotnet_gc_heap_size_bytes"), One("process_resident_memory_bytes"));
        Assert.Equal(GC.MaxGeneration + 1, set.Find("dotnet_gc_collections_total")!.Samples.Count);
    }

    [Fact]
    public void Write_WithoutProcFiles_LeavesThoseFamiliesOut()
    {
        var builder = new MetricSetBuilder();
        ProcessMetrics.Write(builder, Path.Combine(Path.GetTempPath(), "kmt-no-such-proc-" + Guid.NewGuid().ToString("N")));
        var set = builder.Build();
        Assert.Null(set.Find("process_resident_memory_bytes"));
        Assert.Null(set.Find("process_open_fds"));
        Assert.NotNull(set.Find("dotnet_gc_allocated_bytes_total"));
    }
}
