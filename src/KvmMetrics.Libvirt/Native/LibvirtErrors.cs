using KvmMetrics.Libvirt.Decoding;

namespace KvmMetrics.Libvirt.Native;

/// <summary>Turns libvirt's thread-local last error into a <see cref="LibvirtException"/>.</summary>
internal static unsafe class LibvirtErrors
{
    /// <summary>The last error of the calling thread (must be the thread that made the failing call).</summary>
    public static LibvirtException Last(string call)
    {
        var p = NativeMethods.virGetLastError();
        if (p == IntPtr.Zero)
        {
            return new LibvirtException(0, 0, call + " failed without a libvirt error");
        }

        var head = *(VirErrorHead*)p;
        var message = NativeStrings.Read(head.Message, 1024) ?? "(no message)";
        NativeMethods.virResetLastError();
        return new LibvirtException(head.Code, head.Domain, $"{call}: {message} ({LibvirtErrorCodes.Name(head.Code)})");
    }
}
