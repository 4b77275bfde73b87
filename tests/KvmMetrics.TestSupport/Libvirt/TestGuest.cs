using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace KvmMetrics.TestSupport.Libvirt;

/// <summary>How to build a test guest.</summary>
public sealed record GuestOptions
{
    /// <summary>Start the guest paused (costs no CPU; still reports stats).</summary>
    public bool Paused { get; init; }

    /// <summary>Define the guest but do not start it (an inactive domain).</summary>
    public bool DefineOnly { get; init; }

    /// <summary>vCPUs (the boot sector runs on vCPU 0; others idle in the BIOS).</summary>
    public int Vcpus { get; init; } = 1;

    /// <summary>Memory in MiB.</summary>
    public int MemoryMiB { get; init; } = 32;

    /// <summary>Add a virtio NIC on a tap device <c>kmt&lt;hex&gt;</c> (type ethernet) so <c>net.*</c> stats exist.</summary>
    public bool Network { get; init; }

    /// <summary>Text appended to the generated name (may be hostile: quotes, backslashes, UTF-8).</summary>
    public string NameSuffix { get; init; } = string.Empty;

    /// <summary>Overrides the host's domain type (<c>kvm</c> or <c>qemu</c>).</summary>
    public string? DomainType { get; init; }

    /// <summary>Optional domain title.</summary>
    public string? Title { get; init; }

    /// <summary>Optional domain description.</summary>
    public string? Description { get; init; }

    /// <summary>Optional elements placed inside <c>&lt;metadata&gt;</c> (e.g. a Nova <c>&lt;nova:instance&gt;</c>).</summary>
    public XElement? Metadata { get; init; }
}

/// <summary>
/// A real libvirt guest created for a test from a boot-sector disk. Disposal destroys and undefines it and
/// deletes its image directory; a crashed run's leftovers are removed by <see cref="LibvirtTestHost.CleanupStaleAsync"/>.
/// </summary>
public sealed class TestGuest : IAsyncDisposable
{
    internal TestGuest(string name, string uuid, GuestKind kind, string directory)
    {
        Name = name;
        Uuid = uuid;
        Kind = kind;
        Directory = directory;
    }

    /// <summary>The domain name (<c>kmt-&lt;8hex&gt;-&lt;kind&gt;</c> plus any suffix).</summary>
    public string Name { get; }

    /// <summary>The domain UUID (lower-case).</summary>
    public string Uuid { get; }

    /// <summary>What the boot sector does.</summary>
    public GuestKind Kind { get; }

    /// <summary>The guest's image directory under <see cref="LibvirtTestHost.ImagesRoot"/>.</summary>
    public string Directory { get; }

    /// <summary>The boot disk image (the <c>vda</c> device).</summary>
    public string ImagePath => Path.Combine(Directory, "boot.img");

    /// <summary>The tap device name when created with <see cref="GuestOptions.Network"/>.</summary>
    public string TapName => "kmt" + Path.GetFileName(Directory)[4..];

    /// <summary>Starts the (defined) guest.</summary>
    public Task StartAsync(bool paused = false) => Virsh.RunAsync(paused ? ["start", "--paused", Uuid] : ["start", Uuid]);

    /// <summary>Pauses the guest (<c>virsh suspend</c>).</summary>
    public Task SuspendAsync() => Virsh.RunAsync(["suspend", Uuid]);

    /// <summary>Resumes the guest.</summary>
    public Task ResumeAsync() => Virsh.RunAsync(["resume", Uuid]);

    /// <summary>Destroys (hard-stops) the guest; it stays defined.</summary>
    public Task DestroyAsync() => Virsh.RunAsync(["destroy", Uuid]);

    /// <summary>The libvirt domain id, or -1 when not running.</summary>
    public async Task<int> IdAsync()
    {
        var text = (await Virsh.RunAsync(["domid", Uuid]).ConfigureAwait(false)).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
    }

    /// <summary>Destroys, undefines and deletes the guest; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        await Virsh.TryRunAsync(["destroy", Uuid]).ConfigureAwait(false);
        await Virsh.TryRunAsync(["undefine", Uuid]).ConfigureAwait(false);
        LibvirtTestHost.TryDelete(Directory);
    }

    internal static string NewHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}

/// <summary>Creates <see cref="TestGuest"/>s on the shared <see cref="LibvirtTestHost"/>.</summary>
public static class GuestFactory
{
    /// <summary>The Nova metadata namespace used by <see cref="NovaMetadata"/>.</summary>
    public static readonly XNamespace Nova = "http://openstack.org/xmlns/libvirt/nova/1.1";

    /// <summary>Defines and (unless <see cref="GuestOptions.DefineOnly"/>) starts a guest.</summary>
    public static async Task<TestGuest> CreateAsync(LibvirtTestHost host, GuestKind kind, GuestOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        options ??= new GuestOptions();
        var hex = TestGuest.NewHex();
        var dir = Path.Combine(LibvirtTestHost.ImagesRoot, LibvirtTestHost.NamePrefix + hex);
        System.IO.Directory.CreateDirectory(dir);
        var image = Path.Combine(dir, "boot.img");
        await File.WriteAllBytesAsync(image, BootSectors.DiskImage(kind), ct).ConfigureAwait(false);
        var name = $"{LibvirtTestHost.NamePrefix}{hex}-{kind.ToString().ToLowerInvariant()}{options.NameSuffix}";
        var uuid = Guid.NewGuid().ToString();
        var xmlPath = Path.Combine(dir, "domain.xml");
        await File.WriteAllTextAsync(xmlPath, DomainXml(options.DomainType ?? host.DomainType, name, uuid, image, "kmt" + hex, options), ct).ConfigureAwait(false);
        var guest = new TestGuest(name, uuid, kind, dir);
        try
        {
            await Virsh.RunAsync(["define", xmlPath], ct: ct).ConfigureAwait(false);
            if (!options.DefineOnly)
            {
                await guest.StartAsync(options.Paused).ConfigureAwait(false);
            }
        }
        catch
        {
            await guest.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return guest;
    }

    /// <summary>Creates <paramref name="count"/> paused idle guests (a cheap scale test), a few at a time.
    /// On failure the ones already created are disposed.</summary>
    public static async Task<IReadOnlyList<TestGuest>> CreatePausedAsync(LibvirtTestHost host, int count, int parallelism = 4, CancellationToken ct = default)
    {
        var guests = new System.Collections.Concurrent.ConcurrentBag<TestGuest>();
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (_, token) =>
                guests.Add(await CreateAsync(host, GuestKind.Idle, new GuestOptions { Paused = true }, token).ConfigureAwait(false))).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAllAsync(guests).ConfigureAwait(false);
            throw;
        }

        return [.. guests];
    }

    /// <summary>Disposes several guests concurrently.</summary>
    public static Task DisposeAllAsync(IEnumerable<TestGuest> guests) =>
        Task.WhenAll(guests.Select(g => g.DisposeAsync().AsTask()));

    /// <summary>A realistic Nova <c>&lt;nova:instance&gt;</c> element for <see cref="GuestOptions.Metadata"/>.</summary>
    public static XElement NovaMetadata(string displayName, string flavor = "m1.tiny", string project = "demo", string user = "alice") =>
        new(
            Nova + "instance",
            new XAttribute(XNamespace.Xmlns + "nova", Nova.NamespaceName),
            new XElement(Nova + "package", new XAttribute("version", "27.1.0")),
            new XElement(Nova + "name", displayName),
            new XElement(Nova + "creationTime", "2026-11-21 10:00:00"),
            new XElement(
                Nova + "flavor",
                new XAttribute("name", flavor),
                new XElement(Nova + "memory", 32),
                new XElement(Nova + "disk", 1),
                new XElement(Nova + "swap", 0),
                new XElement(Nova + "ephemeral", 0),
                new XElement(Nova + "vcpus", 1)),
            new XElement(
                Nova + "owner",
                new XElement(Nova + "user", new XAttribute("uuid", "5e6b2ea1c4b34f6ab2d9d6f1b1f0c001"), user),
                new XElement(Nova + "project", new XAttribute("uuid", "9a0c3d3f4a6f4d6e8f1e2b3c4d5e6f70"), project)),
            new XElement(Nova + "root", new XAttribute("type", "image"), new XAttribute("uuid", "0b7c1f2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")));

    /// <summary>The domain XML of a test guest: virtio boot disk (so BIOS reads count on <c>vda</c>), virtio balloon
    /// with 1 s stats period, no graphics.</summary>
    public static string DomainXml(string domainType, string name, string uuid, string image, string tap, GuestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var devices = new XElement(
            "devices",
            new XElement("emulator", "/usr/bin/qemu-system-x86_64"),
            new XElement(
                "disk",
                new XAttribute("type", "file"),
                new XAttribute("device", "disk"),
                new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "raw")),
                new XElement("source", new XAttribute("file", image)),
                new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio"))));
        if (options.Network)
        {
            devices.Add(new XElement(
                "interface",
                new XAttribute("type", "ethernet"),
                new XElement("target", new XAttribute("dev", tap)),
                new XElement("model", new XAttribute("type", "virtio"))));
        }

        devices.Add(
            new XElement("memballoon", new XAttribute("model", "virtio"), new XElement("stats", new XAttribute("period", "1"))),
            new XElement("video", new XElement("model", new XAttribute("type", "none"))));

        var domain = new XElement(
            "domain",
            new XAttribute("type", domainType),
            new XElement("name", name),
            new XElement("uuid", uuid));
        if (options.Title is not null)
        {
            domain.Add(new XElement("title", options.Title));
        }

        if (options.Description is not null)
        {
            domain.Add(new XElement("description", options.Description));
        }

        if (options.Metadata is not null)
        {
            domain.Add(new XElement("metadata", options.Metadata));
        }

        domain.Add(
            new XElement("memory", new XAttribute("unit", "MiB"), options.MemoryMiB),
            new XElement("vcpu", options.Vcpus),
            new XElement(
                "os",
                new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm"),
                new XElement("boot", new XAttribute("dev", "hd"))),
            new XElement("clock", new XAttribute("offset", "utc")),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "restart"),
            new XElement("on_crash", "destroy"),
            devices);
        return domain.ToString();
    }
}
