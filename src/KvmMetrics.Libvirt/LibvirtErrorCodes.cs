using System.Globalization;

namespace KvmMetrics.Libvirt;

/// <summary>libvirt's <c>virErrorNumber</c> names (virterror.h; values are stable, additions only at the end).</summary>
public static class LibvirtErrorCodes
{
    /// <summary><c>VIR_ERR_NO_CONNECT</c>.</summary>
    public const int NoConnect = 5;

    /// <summary><c>VIR_ERR_INVALID_CONN</c>.</summary>
    public const int InvalidConn = 6;

    /// <summary><c>VIR_ERR_OPERATION_DENIED</c> (a write call on a read-only connection).</summary>
    public const int OperationDenied = 29;

    /// <summary><c>VIR_ERR_SYSTEM_ERROR</c> (socket errors, a closed connection).</summary>
    public const int SystemError = 38;

    /// <summary><c>VIR_ERR_RPC</c>.</summary>
    public const int Rpc = 39;

    /// <summary><c>VIR_ERR_NO_DOMAIN</c>: the domain does not exist (any more).</summary>
    public const int NoDomain = 42;

    /// <summary><c>VIR_ERR_OPERATION_INVALID</c> (e.g. a call that needs a running domain).</summary>
    public const int OperationInvalid = 55;

    /// <summary><c>VIR_ERR_OPERATION_TIMEOUT</c>.</summary>
    public const int OperationTimeout = 68;

    private static readonly string[] Names =
    [
        "VIR_ERR_OK", "VIR_ERR_INTERNAL_ERROR", "VIR_ERR_NO_MEMORY", "VIR_ERR_NO_SUPPORT", "VIR_ERR_UNKNOWN_HOST",
        "VIR_ERR_NO_CONNECT", "VIR_ERR_INVALID_CONN", "VIR_ERR_INVALID_DOMAIN", "VIR_ERR_INVALID_ARG", "VIR_ERR_OPERATION_FAILED",
        "VIR_ERR_GET_FAILED", "VIR_ERR_POST_FAILED", "VIR_ERR_HTTP_ERROR", "VIR_ERR_SEXPR_SERIAL", "VIR_ERR_NO_XEN",
        "VIR_ERR_XEN_CALL", "VIR_ERR_OS_TYPE", "VIR_ERR_NO_KERNEL", "VIR_ERR_NO_ROOT", "VIR_ERR_NO_SOURCE",
        "VIR_ERR_NO_TARGET", "VIR_ERR_NO_NAME", "VIR_ERR_NO_OS", "VIR_ERR_NO_DEVICE", "VIR_ERR_NO_XENSTORE",
        "VIR_ERR_DRIVER_FULL", "VIR_ERR_CALL_FAILED", "VIR_ERR_XML_ERROR", "VIR_ERR_DOM_EXIST", "VIR_ERR_OPERATION_DENIED",
        "VIR_ERR_OPEN_FAILED", "VIR_ERR_READ_FAILED", "VIR_ERR_PARSE_FAILED", "VIR_ERR_CONF_SYNTAX", "VIR_ERR_WRITE_FAILED",
        "VIR_ERR_XML_DETAIL", "VIR_ERR_INVALID_NETWORK", "VIR_ERR_NETWORK_EXIST", "VIR_ERR_SYSTEM_ERROR", "VIR_ERR_RPC",
        "VIR_ERR_GNUTLS_ERROR", "VIR_WAR_NO_NETWORK", "VIR_ERR_NO_DOMAIN", "VIR_ERR_NO_NETWORK", "VIR_ERR_INVALID_MAC",
        "VIR_ERR_AUTH_FAILED", "VIR_ERR_INVALID_STORAGE_POOL", "VIR_ERR_INVALID_STORAGE_VOL", "VIR_WAR_NO_STORAGE", "VIR_ERR_NO_STORAGE_POOL",
        "VIR_ERR_NO_STORAGE_VOL", "VIR_WAR_NO_NODE", "VIR_ERR_INVALID_NODE_DEVICE", "VIR_ERR_NO_NODE_DEVICE", "VIR_ERR_NO_SECURITY_MODEL",
        "VIR_ERR_OPERATION_INVALID", "VIR_WAR_NO_INTERFACE", "VIR_ERR_NO_INTERFACE", "VIR_ERR_INVALID_INTERFACE", "VIR_ERR_MULTIPLE_INTERFACES",
        "VIR_WAR_NO_NWFILTER", "VIR_ERR_INVALID_NWFILTER", "VIR_ERR_NO_NWFILTER", "VIR_ERR_BUILD_FIREWALL", "VIR_WAR_NO_SECRET",
        "VIR_ERR_INVALID_SECRET", "VIR_ERR_NO_SECRET", "VIR_ERR_CONFIG_UNSUPPORTED", "VIR_ERR_OPERATION_TIMEOUT", "VIR_ERR_MIGRATE_PERSIST_FAILED",
        "VIR_ERR_HOOK_SCRIPT_FAILED", "VIR_ERR_INVALID_DOMAIN_SNAPSHOT", "VIR_ERR_NO_DOMAIN_SNAPSHOT", "VIR_ERR_INVALID_STREAM", "VIR_ERR_ARGUMENT_UNSUPPORTED",
        "VIR_ERR_STORAGE_PROBE_FAILED", "VIR_ERR_STORAGE_POOL_BUILT", "VIR_ERR_SNAPSHOT_REVERT_RISKY", "VIR_ERR_OPERATION_ABORTED", "VIR_ERR_AUTH_CANCELLED",
        "VIR_ERR_NO_DOMAIN_METADATA", "VIR_ERR_MIGRATE_UNSAFE", "VIR_ERR_OVERFLOW", "VIR_ERR_BLOCK_COPY_ACTIVE", "VIR_ERR_OPERATION_UNSUPPORTED",
        "VIR_ERR_SSH", "VIR_ERR_AGENT_UNRESPONSIVE", "VIR_ERR_RESOURCE_BUSY", "VIR_ERR_ACCESS_DENIED", "VIR_ERR_DBUS_SERVICE",
        "VIR_ERR_STORAGE_VOL_EXIST", "VIR_ERR_CPU_INCOMPATIBLE", "VIR_ERR_XML_INVALID_SCHEMA", "VIR_ERR_MIGRATE_FINISH_OK", "VIR_ERR_AUTH_UNAVAILABLE",
        "VIR_ERR_NO_SERVER", "VIR_ERR_NO_CLIENT", "VIR_ERR_AGENT_UNSYNCED", "VIR_ERR_LIBSSH", "VIR_ERR_DEVICE_MISSING",
        "VIR_ERR_INVALID_NWFILTER_BINDING", "VIR_ERR_NO_NWFILTER_BINDING", "VIR_ERR_INVALID_DOMAIN_CHECKPOINT", "VIR_ERR_NO_DOMAIN_CHECKPOINT", "VIR_ERR_NO_DOMAIN_BACKUP",
        "VIR_ERR_INVALID_NETWORK_PORT", "VIR_ERR_NETWORK_PORT_EXIST", "VIR_ERR_NO_NETWORK_PORT", "VIR_ERR_NO_HOSTNAME", "VIR_ERR_CHECKPOINT_INCONSISTENT",
        "VIR_ERR_MULTIPLE_DOMAINS",
    ];

    /// <summary>The symbolic name of a <c>virErrorNumber</c>; <c>VIR_ERR_CODE_&lt;n&gt;</c> for codes newer than this table.</summary>
    public static string Name(int code) =>
        code >= 0 && code < Names.Length ? Names[code] : "VIR_ERR_CODE_" + code.ToString(CultureInfo.InvariantCulture);

    /// <summary>True for the codes that mean the connection itself is broken (reconnect), not the single call.</summary>
    public static bool IsConnectionError(int code) => code is NoConnect or InvalidConn or SystemError or Rpc;
}
