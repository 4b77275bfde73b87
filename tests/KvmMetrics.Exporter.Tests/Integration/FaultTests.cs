using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>Tests that stop, restart or freeze the shared libvirtd: never run in parallel with each other.</summary>
[CollectionDefinition("Disruptive", DisableParallelization = true)]
public sealed class DisruptiveCollection
{
}

/// <summary>libvirtd down at start, restarted, hung (SIGSTOP): the exporter stays up, answers in time, reports it, recovers.</summary>
[Collection("Disruptive")]
[Trait("Category", "Disruptive")]
public sealed class FaultTests
{
    private static async Task<IReadOnlyList<ExpositionText.Line>> WaitUntilUpAsync(ExporterUnderTest exporter, TimeSpan timeout)
    {
        var stop = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = ExpositionText.Parse(await exporter.ScrapeAsync());
            if (lines.Single("kvm_libvirt_up") == 1 && lines.Single("kvm_exporter_collector_success", null, ("collector", "domain")) == 1)
            {
                return lines;
            }

            Assert.True(DateTime.UtcNow < stop, "exporter did not recover within " + timeout);
            await Task.Delay(1000);
        }
    }

    [SkippableFact]
    public async Task LibvirtdDownAtStart_ExporterServesDownAndRecoversWhenStarted()
    {
        LibvirtTestHost.Require();
        await LibvirtTestHost.StopDaemonAsync();
        ExporterUnderTest? exporter = null;
        try
        {
            exporter = await ExporterUnderTest.StartAsync(["--scrape.timeout=3s", "--no-collector.cgroup"]);
            var lines = ExpositionText.Parse(await exporter.ScrapeAsync());
            Assert.Equal(0, lines.Single("kvm_libvirt_up"));
            Assert.Equal(0, lines.Single("kvm_exporter_collector_success", null, ("collector", "domain")));
            Assert.Contains(lines.Where("kvm_libvirt_errors_total"), l => l.Value > 0);
            Assert.Equal("ok\n", await exporter.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        }
        finally
        {
            await LibvirtTestHost.StartDaemonAsync();
        }

        await using (exporter)
        {
            await WaitUntilUpAsync(exporter, TimeSpan.FromSeconds(60));
        }
    }

    [SkippableFact]
    public async Task LibvirtdRestarted_ExporterReconnectsWithoutRestart()
    {
        LibvirtTestHost.Require();
        await using var exporter = await ExporterUnderTest.StartAsync(["--scrape.timeout=3s", "--no-collector.cgroup"]);
        await WaitUntilUpAsync(exporter, TimeSpan.FromSeconds(20));
        try
        {
            await LibvirtTestHost.StopDaemonAsync();
            var down = ExpositionText.Parse(await exporter.ScrapeAsync());
            Assert.Equal(0, down.Single("kvm_libvirt_up"));
        }
        finally
        {
            await LibvirtTestHost.StartDaemonAsync();
        }

        await WaitUntilUpAsync(exporter, TimeSpan.FromSeconds(60));
    }

    [SkippableFact]
    public async Task HungLibvirtd_AnswersWithinTheDeadlineAndRecovers()
    {
        LibvirtTestHost.Require();
        await using var exporter = await ExporterUnderTest.StartAsync(["--scrape.timeout=2s", "--no-collector.cgroup"]);
        await WaitUntilUpAsync(exporter, TimeSpan.FromSeconds(20));
        string page;
        TimeSpan took;
        using (LibvirtTestHost.FreezeDaemon(TimeSpan.FromSeconds(5)))
        {
            var started = DateTime.UtcNow;
            page = await exporter.ScrapeAsync();
            took = DateTime.UtcNow - started;
            // a second scrape while still frozen joins the pending call instead of adding another
            _ = await exporter.ScrapeAsync();
        }

        Assert.True(took < TimeSpan.FromSeconds(4), $"scrape took {took}");
        var lines = ExpositionText.Parse(page);
        Assert.Equal(0, lines.Single("kvm_libvirt_up"));
        Assert.Equal(0, lines.Single("kvm_exporter_collector_success", null, ("collector", "domain")));
        if (PromtoolRunner.CheckMetrics(page) is { ExitCode: not 0 } bad)
        {
            Assert.Fail(bad.Output);
        }

        await WaitUntilUpAsync(exporter, TimeSpan.FromSeconds(60));
    }
}
