using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace KvmMetrics.Libvirt.Xml;

/// <summary>
/// Parses libvirt domain XML into a <see cref="DomainDescription"/>. Pure and safe on hostile input: DTDs are
/// prohibited, no external resolution, documents capped at 16 M characters, every text value capped at
/// <see cref="MaxTextLength"/> characters.
/// </summary>
public static class DomainXmlParser
{
    /// <summary>The Nova metadata namespace prefix; Nova versions it (<c>.../nova/1.0</c>, <c>1.1</c>, <c>1.2</c>).</summary>
    public const string NovaNamespacePrefix = "http://openstack.org/xmlns/libvirt/nova/";

    /// <summary>Longest text value kept (longer values are truncated).</summary>
    public const int MaxTextLength = 4096;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 16L << 20,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Parses a domain XML document.</summary>
    /// <exception cref="DomainXmlException">The XML is not well formed or is not a libvirt <c>&lt;domain&gt;</c>
    /// with a UUID and a name.</exception>
    public static DomainDescription Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new DomainXmlException("domain XML is not well formed: " + e.Message, e);
        }

        var root = doc.Root;
        if (root is null || root.Name.LocalName != "domain" || root.Name.Namespace != XNamespace.None)
        {
            throw new DomainXmlException($"domain XML root is <{root?.Name.LocalName}>, expected <domain>");
        }

        var uuid = Text(root.Element("uuid"))?.Trim().ToLowerInvariant();
        var name = Text(root.Element("name"));
        if (string.IsNullOrEmpty(uuid) || name is null)
        {
            throw new DomainXmlException("domain XML lacks <uuid> or <name>");
        }

        var os = root.Element("os")?.Element("type");
        var vcpu = root.Element("vcpu");
        var vcpusMax = Int(Text(vcpu)) ?? 1;
        var vcpusCurrent = Int(Attr(vcpu, "current")) ?? vcpusMax;
        var maxMemory = Bytes(root.Element("memory")) ?? 0;
        var memory = Bytes(root.Element("currentMemory")) ?? maxMemory;
        var devices = root.Element("devices");

        return new DomainDescription(
            uuid,
            name,
            Text(root.Element("title")),
            Text(root.Element("description")),
            Attr(root, "type") ?? string.Empty,
            Text(os)?.Trim() ?? string.Empty,
            Attr(os, "machine"),
            vcpusCurrent,
            vcpusMax,
            memory,
            maxMemory,
            Int(Text(root.Element("iothreads"))) ?? 0,
            devices?.Elements("disk").Select(ParseDisk).ToArray() ?? [],
            devices?.Elements("interface").Select(ParseInterface).ToArray() ?? [],
            ParseNova(root.Element("metadata")));
    }

    private static DomainDisk ParseDisk(XElement disk)
    {
        var source = disk.Element("source");
        var sourceValue = Attr(source, "file") ?? Attr(source, "dev") ?? Attr(source, "volume") ?? Attr(source, "name") ?? Attr(source, "dir");
        if (Attr(source, "pool") is { } pool && Attr(source, "volume") is { } volume)
        {
            sourceValue = pool + "/" + volume;
        }

        return new DomainDisk(
            Attr(disk.Element("target"), "dev") ?? string.Empty,
            Attr(disk, "device") ?? "disk",
            Attr(disk.Element("target"), "bus"),
            Attr(disk, "type") ?? "file",
            sourceValue);
    }

    private static DomainInterface ParseInterface(XElement nic)
    {
        var source = nic.Element("source");
        return new DomainInterface(
            Attr(nic.Element("target"), "dev"),
            Attr(nic.Element("mac"), "address")?.ToLowerInvariant(),
            Attr(nic.Element("model"), "type"),
            Attr(nic, "type") ?? string.Empty,
            Attr(source, "bridge"),
            Attr(source, "network"));
    }

    private static NovaInstance? ParseNova(XElement? metadata)
    {
        var instance = metadata?.Elements().FirstOrDefault(e =>
            e.Name.LocalName == "instance" && e.Name.NamespaceName.StartsWith(NovaNamespacePrefix, StringComparison.Ordinal));
        if (instance is null)
        {
            return null;
        }

        var ns = instance.Name.Namespace;
        var flavor = instance.Element(ns + "flavor");
        var owner = instance.Element(ns + "owner");
        var user = owner?.Element(ns + "user");
        var project = owner?.Element(ns + "project");
        var root = instance.Element(ns + "root");
        return new NovaInstance(
            Text(instance.Element(ns + "name")),
            Attr(flavor, "name"),
            Int(Text(flavor?.Element(ns + "vcpus"))),
            Int(Text(flavor?.Element(ns + "memory"))),
            Int(Text(flavor?.Element(ns + "disk"))),
            Text(user),
            Attr(user, "uuid"),
            Text(project),
            Attr(project, "uuid"),
            Attr(root, "type"),
            Attr(root, "uuid"),
            Attr(instance.Element(ns + "package"), "version"),
            Text(instance.Element(ns + "creationTime")));
    }

    /// <summary>Converts a libvirt memory element (value plus <c>unit</c>, default KiB) to bytes; null when absent or invalid.</summary>
    internal static long? Bytes(XElement? element)
    {
        if (element is null || !ulong.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        // Units per libvirt's formatdomain "Memory Allocation": decimal for KB/MB/..., binary for k/KiB/M/MiB/...
        ulong factor = (Attr(element, "unit") ?? "KiB") switch
        {
            "b" or "bytes" => 1UL,
            "KB" => 1000UL,
            "k" or "KiB" => 1UL << 10,
            "MB" => 1000UL * 1000,
            "M" or "MiB" => 1UL << 20,
            "GB" => 1000UL * 1000 * 1000,
            "G" or "GiB" => 1UL << 30,
            "TB" => 1000UL * 1000 * 1000 * 1000,
            "T" or "TiB" => 1UL << 40,
            "PB" => 1000UL * 1000 * 1000 * 1000 * 1000,
            "P" or "PiB" => 1UL << 50,
            "EB" => 1000UL * 1000 * 1000 * 1000 * 1000 * 1000,
            "E" or "EiB" => 1UL << 60,
            _ => 0UL,
        };
        if (factor == 0 || value > long.MaxValue / factor)
        {
            return null;
        }

        return (long)(value * factor);
    }

    private static int? Int(string? s) =>
        int.TryParse(s?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string? Text(XElement? e) => e is null ? null : Cap(e.Value);

    private static string? Attr(XElement? e, string name) => e?.Attribute(name) is { } a ? Cap(a.Value) : null;

    private static string Cap(string s) => s.Length <= MaxTextLength ? s : s[..MaxTextLength];
}

/// <summary>Domain XML could not be parsed; the message says why.</summary>
public sealed class DomainXmlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DomainXmlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DomainXmlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DomainXmlException()
        : base("invalid domain XML")
    {
    }
}
