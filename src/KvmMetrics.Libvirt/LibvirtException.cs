namespace KvmMetrics.Libvirt;

/// <summary>A failed libvirt call, carrying libvirt's <c>virError</c> code and domain.</summary>
public sealed class LibvirtException : Exception
{
    /// <summary>Creates an exception from libvirt's error fields.</summary>
    /// <param name="code">The <c>virErrorNumber</c> (0 when libvirt reported none).</param>
    /// <param name="errorDomain">The <c>virErrorDomain</c> (which part of libvirt raised it).</param>
    /// <param name="message">The message, naming the call that failed.</param>
    public LibvirtException(int code, int errorDomain, string message)
        : base(message)
    {
        Code = code;
        ErrorDomain = errorDomain;
    }

    /// <summary>Creates an exception without a libvirt error code.</summary>
    public LibvirtException(string message)
        : this(0, 0, message)
    {
    }

    /// <summary>Creates an exception without a libvirt error code.</summary>
    public LibvirtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception without a libvirt error code or message.</summary>
    public LibvirtException()
        : this(0, 0, "libvirt call failed")
    {
    }

    /// <summary>libvirt's <c>virErrorNumber</c>, 0 when unknown.</summary>
    public int Code { get; }

    /// <summary>libvirt's <c>virErrorDomain</c>, 0 when unknown.</summary>
    public int ErrorDomain { get; }

    /// <summary>The symbolic code name, e.g. <c>VIR_ERR_NO_DOMAIN</c> (a stable label value for error counters).</summary>
    public string CodeName => LibvirtErrorCodes.Name(Code);

    /// <summary>True when the error code is one that a broken connection produces (<c>VIR_ERR_SYSTEM_ERROR</c>, <c>VIR_ERR_RPC</c>, ...).
    /// Domain-level failures share these codes (a QEMU monitor that closes mid-call is a system error), so see <see cref="ConnectionLost"/>.</summary>
    public bool IsConnectionError => LibvirtErrorCodes.IsConnectionError(Code);

    /// <summary>True when, after this error, libvirt reported the connection dead (<c>virConnectIsAlive</c> = 0): the client reconnects.</summary>
    public bool ConnectionLost { get; internal set; }
}
