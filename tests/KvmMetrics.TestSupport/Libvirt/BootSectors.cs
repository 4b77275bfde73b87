namespace KvmMetrics.TestSupport.Libvirt;

/// <summary>What a test guest does: its whole "OS" is one 512-byte boot sector.</summary>
public enum GuestKind
{
    /// <summary><c>cli; hlt; jmp $-1</c>: halts forever, uses no CPU.</summary>
    Idle,

    /// <summary><c>jmp $</c>: spins one vCPU at 100%.</summary>
    Spin,

    /// <summary>Loops BIOS int 13h reads of 16 sectors from the boot disk (a virtio disk, so reads count on <c>vda</c>).</summary>
    DiskReader,
}

/// <summary>Boot sectors (real-mode x86 machine code loaded by SeaBIOS at 0000:7C00).</summary>
public static class BootSectors
{
    /// <summary>The 512-byte boot sector for a guest kind, ending in the 55 AA signature.</summary>
    public static byte[] For(GuestKind kind)
    {
        byte[] code = kind switch
        {
            GuestKind.Idle => [0xFA, 0xF4, 0xEB, 0xFD],
            GuestKind.Spin => [0xEB, 0xFE],
            GuestKind.DiskReader =>
            [
                0x31, 0xC0,       // xor ax, ax
                0x8E, 0xD8,       // mov ds, ax
                0x8E, 0xC0,       // mov es, ax
                0x8E, 0xD0,       // mov ss, ax
                0xBC, 0x00, 0x7C, // mov sp, 0x7c00
                0x89, 0xD7,       // mov di, dx      ; keep the boot drive (dl) from the BIOS
                0xFB,             // sti
                0xB8, 0x10, 0x02, // loop: mov ax, 0x0210 ; ah=02 read, al=16 sectors
                0xB9, 0x01, 0x00, // mov cx, 0x0001  ; cylinder 0, sector 1
                0x89, 0xFA,       // mov dx, di
                0xB6, 0x00,       // mov dh, 0       ; head 0
                0xBB, 0x00, 0x80, // mov bx, 0x8000  ; es:bx buffer
                0xCD, 0x13,       // int 0x13
                0xEB, 0xEF,       // jmp loop
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown guest kind"),
        };
        var sector = new byte[512];
        code.CopyTo(sector, 0);
        sector[510] = 0x55;
        sector[511] = 0xAA;
        return sector;
    }

    /// <summary>A 1 MiB raw disk image whose first sector is the boot sector (room for the reader's 16-sector reads).</summary>
    public static byte[] DiskImage(GuestKind kind)
    {
        var image = new byte[1 << 20];
        For(kind).CopyTo(image, 0);
        return image;
    }
}
