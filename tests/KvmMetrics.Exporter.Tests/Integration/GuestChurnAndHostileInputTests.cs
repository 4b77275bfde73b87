using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>Guests destroyed while being scraped, and hostile names and metadata: always a valid page, no duplicates, in time.</summary>
[Trait("Category", "Integration")]
public sealed class GuestChurnAndHostileInputTests
{
    private static void AssertValidAndUnique(string page)
    {
        var lines = ExpositionText.Parse(page);
        var keys = lines.Select(l => l.Name + "{" + string.Join(",", l.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)) + "}").ToArray();
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        if (KvmMetrics.TestSupport.Requirements.FindTool("promtool") is not null && PromtoolRunner.CheckMetrics(page) is { ExitCode: not 0 } bad)
        {
            Assert.Fail(bad.Output);
        }
    }

    [SkippableFact]
    public async Task GuestsDestroyedMidScrape_EveryScrapeAnswersWithAValidPage()
    {
        var host = LibvirtTestHost.Require();
        var suffix = "-e2d" + Guid.NewGuid().ToString("N")[..6];
        var guests = new List<TestGuest>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                guests.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { NameSuffix = suffix }));
            }

            await using var exporter = await ExporterUnderTest.StartAsync(["--domain.include=.*" + suffix, "--scrape.timeout=5s"]);
            using var stop = new CancellationTokenSource();
            var pages = new List<string>();
            var scraper = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    pages.Add(await exporter.ScrapeAsync());
                }
            });
            foreach (var g in guests)
            {
                await g.DestroyAsync();
                await Task.Delay(150);
            }

            await Task.Delay(500);
            stop.Cancel();
            await scraper;
            Assert.True(pages.Count >= 2, $"only {pages.Count} scrapes");
            AssertValidAndUnique(pages[^1]);
            foreach (var page in pages)
            {
                var lines = ExpositionText.Parse(page);
                Assert.Single(lines.Where("kvm_libvirt_up"));
            }

            // The last page whose libvirt round succeeded sees every guest stopped (they stay defined: shutoff).
            var last = pages.Select(p => ExpositionText.Parse(p)).Last(l => l.Single("kvm_exporter_collector_success", null, ("collector", "domain")) == 1);
            Assert.Equal(0, last.Single("kvm_domains", null, ("state", "running")));
            Assert.Equal(4, last.Single("kvm_domains", null, ("state", "shutoff")));
        }
        finally
        {
            await GuestFactory.DisposeAllAsync(guests);
        }
    }

    [SkippableFact]
    public async Task HostileNamesAndMetadata_GiveAValidPageWithExactLabels()
    {
        var host = LibvirtTestHost.Require();
        var id = Guid.NewGuid().ToString("N")[..6];
        var suffix = "-e2h" + id + "-q\"uo'te\\back\\\\slash";
        var title = "T\"itle \\ with {braces} and =equals, " + new string('x', 1200);
        var description = "line1\nline2 \"quoted\" \\backslash\n" + new string('d', 2000);
        var nova = GuestFactory.NovaMetadata("nova \"display\"\nname\\", flavor: "m1.\"tiny\"", project: "proj\\ect\n2", user: "al\"ice");
        await using var guest = await GuestFactory.CreateAsync(host, GuestKind.Idle,
            new GuestOptions { NameSuffix = suffix, Title = title, Description = description, Metadata = nova });

        await using var exporter = await ExporterUnderTest.StartAsync(["--domain.include=.*-e2h" + id + ".*", "--scrape.timeout=5s"]);
        var page = await exporter.ScrapeAsync();
        for (var i = 0; i < 4 && !ExpositionText.Parse(page).Where("kvm_domain_info", guest.Name).Any(); i++)
        {
            await Task.Delay(1000); // a round that missed its deadline on the shared host: the page says so, try the next
            page = await exporter.ScrapeAsync();
        }

        AssertValidAndUnique(page);
        var info = ExpositionText.Parse(page).Where("kvm_domain_info", guest.Name).Single();
        Assert.Equal(guest.Uuid, info.Labels["uuid"]);
        Assert.Equal(title, info.Labels["title"]);
        Assert.Equal("nova \"display\"\nname\\", info.Labels["nova_name"]);
        Assert.Equal("proj\\ect\n2", info.Labels["nova_project_name"]);

        // Bytes that are not UTF-8 in the title, set through virsh the way an operator would.
        var (code, _, stderr) = await ProcessRunner.RunAsync("bash", ["-c", $"virsh desc {guest.Uuid} --live --config --title --new-desc \"$(printf 'bad\\xff\\xfebytes')\""], TimeSpan.FromSeconds(30));
        // The metadata-change event arrives asynchronously and invalidates the cached XML; poll (bounded) until it has.
        page = await exporter.ScrapeAsync();
        for (var i = 0; i < 20 && code == 0 && ExpositionText.Parse(page).Where("kvm_domain_info", guest.Name).SingleOrDefault()?.Labels["title"] == title; i++)
        {
            await Task.Delay(500);
            page = await exporter.ScrapeAsync();
        }

        AssertValidAndUnique(page);
        var after = ExpositionText.Parse(page).Where("kvm_domain_info", guest.Name).Single();
        if (code == 0)
        {
            Assert.StartsWith("bad", after.Labels["title"], StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("virsh", stderr + "virsh", StringComparison.Ordinal); // libvirt refused the bytes: nothing to expose
        }

    }
}
