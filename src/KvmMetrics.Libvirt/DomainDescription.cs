namespace KvmMetrics.Libvirt;

/// <summary>The slow-changing facts about a domain, parsed from its XML (<c>virDomainGetXMLDesc</c>).</summary>
/// <param name="Uuid">The domain UUID (lower-case).</param>
/// <param name="Name">The domain name.</param>
/// <param name="Title">The optional short title (<c>&lt;title&gt;</c>), or null.</param>
/// <param name="Description">The optional description (<c>&lt;description&gt;</c>), or null.</param>
/// <param name="DomainType">The domain type attribute (<c>kvm</c>, <c>qemu</c>).</param>
/// <param name="OsType">The OS type (<c>hvm</c>), with the machine type in <see cref="Machine"/>.</param>
/// <param name="Machine">The machine type (<c>pc-q35-7.2</c>), or null.</param>
/// <param name="VcpusCurrent">vCPUs currently online (<c>vcpu/@current</c>, default the maximum).</param>
/// <param name="VcpusMax">The maximum number of vCPUs (<c>&lt;vcpu&gt;</c>).</param>
/// <param name="MemoryBytes">Current memory allocation (<c>&lt;currentMemory&gt;</c>, default <c>&lt;memory&gt;</c>).</param>
/// <param name="MaxMemoryBytes">The boot-time maximum (<c>&lt;memory&gt;</c>).</param>
/// <param name="IoThreads">The number of I/O threads (<c>&lt;iothreads&gt;</c>), 0 when absent.</param>
/// <param name="Disks">Disk devices in document order.</param>
/// <param name="Interfaces">Network interfaces in document order.</param>
/// <param name="Nova">OpenStack Nova metadata when present, otherwise null.</param>
public sealed record DomainDescription(
    string Uuid,
    string Name,
    string? Title,
    string? Description,
    string DomainType,
    string OsType,
    string? Machine,
    int VcpusCurrent,
    int VcpusMax,
    long MemoryBytes,
    long MaxMemoryBytes,
    int IoThreads,
    IReadOnlyList<DomainDisk> Disks,
    IReadOnlyList<DomainInterface> Interfaces,
    NovaInstance? Nova);

/// <summary>A <c>&lt;disk&gt;</c> of a domain.</summary>
/// <param name="TargetDev">The target device name (<c>vda</c>) used as the device label; may be empty when the XML has none.</param>
/// <param name="Device">The device kind: <c>disk</c>, <c>cdrom</c>, <c>floppy</c>, <c>lun</c>.</param>
/// <param name="Bus">The target bus (<c>virtio</c>, <c>sata</c>, ...), or null.</param>
/// <param name="SourceType">The disk type attribute (<c>file</c>, <c>block</c>, <c>network</c>, <c>volume</c>).</param>
/// <param name="Source">The source file, device, volume or network name, or null (empty cdrom).</param>
public sealed record DomainDisk(string TargetDev, string Device, string? Bus, string SourceType, string? Source)
{
    /// <summary>True for removable media (cdrom, floppy), which exporters leave out of disk metrics.</summary>
    public bool IsRemovable => Device is "cdrom" or "floppy";
}

/// <summary>An <c>&lt;interface&gt;</c> of a domain.</summary>
/// <param name="TargetDev">The host-side device (<c>vnet0</c>, <c>tap...</c>), or null when not running.</param>
/// <param name="Mac">The MAC address (lower-case), or null.</param>
/// <param name="Model">The model type (<c>virtio</c>), or null.</param>
/// <param name="Type">The interface type (<c>bridge</c>, <c>network</c>, <c>ethernet</c>, ...).</param>
/// <param name="SourceBridge">The source bridge, or null.</param>
/// <param name="SourceNetwork">The source libvirt network, or null.</param>
public sealed record DomainInterface(string? TargetDev, string? Mac, string? Model, string Type, string? SourceBridge, string? SourceNetwork);

/// <summary>OpenStack Nova's instance metadata (<c>&lt;nova:instance&gt;</c>, namespace
/// <c>http://openstack.org/xmlns/libvirt/nova/1.x</c>).</summary>
/// <param name="Name">The Nova display name of the instance.</param>
/// <param name="FlavorName">The flavor name, or null.</param>
/// <param name="FlavorVcpus">The flavor's vCPUs, or null.</param>
/// <param name="FlavorMemoryMiB">The flavor's memory in MiB, or null.</param>
/// <param name="FlavorDiskGiB">The flavor's root disk in GiB, or null.</param>
/// <param name="UserName">The owner user name, or null.</param>
/// <param name="UserUuid">The owner user id, or null.</param>
/// <param name="ProjectName">The owner project name, or null.</param>
/// <param name="ProjectUuid">The owner project id, or null.</param>
/// <param name="RootType">The root device type (<c>image</c>, <c>volume</c>), or null.</param>
/// <param name="RootUuid">The root image or volume id, or null.</param>
/// <param name="PackageVersion">The Nova package version, or null.</param>
/// <param name="CreationTime">The creation time string as Nova wrote it, or null.</param>
public sealed record NovaInstance(
    string? Name,
    string? FlavorName,
    int? FlavorVcpus,
    int? FlavorMemoryMiB,
    int? FlavorDiskGiB,
    string? UserName,
    string? UserUuid,
    string? ProjectName,
    string? ProjectUuid,
    string? RootType,
    string? RootUuid,
    string? PackageVersion,
    string? CreationTime);
