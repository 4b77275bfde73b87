using System.Globalization;

namespace KvmMetrics.Libvirt;

/// <summary>How <see cref="LibvirtClient"/> connects to libvirtd. Check with <see cref="Validate"/>; the client validates on construction.</summary>
public sealed record LibvirtOptions
{
    /// <summary>The default connection URI.</summary>
    public const string DefaultUri = "qemu:///system";

    /// <summary>Creates options; every argument has the documented default.</summary>
    /// <param name="uri">The libvirt connection URI, opened read-only. Default <c>qemu:///system</c>.</param>
    /// <param name="keepAliveInterval">Keepalive probe interval (1 s to 10 min; zero disables keepalive). Default zero (off).
    /// With keepalive on, the client runs one native call at a time (<see cref="SerializeCalls"/>): libvirt 9.0's RPC
    /// client crashes the process (SIGSEGV) when a keepalive timeout closes a connection on which two or more calls wait
    /// for replies, and that is exactly what a hung daemon produces. <c>scripts/repro/libvirt_keepalive_crash.py</c>
    /// reproduces it without any of this code (2 of 2 runs crash with 2 or 3 calling threads, 0 of 2 with one).
    /// Without keepalive a hung daemon only holds calls, which the call runner bounds; a dead local daemon still closes
    /// the socket, which is noticed at once. Remote URIs (qemu+tcp, qemu+ssh) need keepalive to notice a dead peer.</param>
    /// <param name="keepAliveCount">Unanswered probes before libvirt closes the connection (1 to 100). Default 3.</param>
    /// <param name="parallelChunks">Split the domain list into this many chunks fetched concurrently (1 = one bulk call; 1 to 64). Default 1.</param>
    /// <param name="reconnectBackoffMax">Upper bound of the exponential reconnect backoff (100 ms to 1 h). Default 30 s.</param>
    public LibvirtOptions(
        string uri = DefaultUri,
        TimeSpan? keepAliveInterval = null,
        int keepAliveCount = 3,
        int parallelChunks = 1,
        TimeSpan? reconnectBackoffMax = null)
    {
        Uri = uri;
        KeepAliveInterval = keepAliveInterval ?? TimeSpan.Zero;
        KeepAliveCount = keepAliveCount;
        ParallelChunks = parallelChunks;
        ReconnectBackoffMax = reconnectBackoffMax ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The libvirt connection URI, opened read-only.</summary>
    public string Uri { get; init; }

    /// <summary>Keepalive probe interval; zero disables keepalive.</summary>
    public TimeSpan KeepAliveInterval { get; init; }

    /// <summary>Unanswered keepalive probes before libvirt closes the connection.</summary>
    public int KeepAliveCount { get; init; }

    /// <summary>Chunks of the domain list fetched concurrently (1 = one bulk call).</summary>
    public int ParallelChunks { get; init; }

    /// <summary>True when native calls must run one at a time: with keepalive on (see the constructor's remarks), two
    /// calls waiting on a connection that keepalive closes crash libvirt 9.0's client. Statistics are then fetched in
    /// one bulk call whatever <see cref="ParallelChunks"/> says.</summary>
    public bool SerializeCalls => KeepAliveInterval > TimeSpan.Zero;

    /// <summary>Upper bound of the reconnect backoff.</summary>
    public TimeSpan ReconnectBackoffMax { get; init; }

    /// <summary>The first reconnect delay; doubles on every failed attempt up to <see cref="ReconnectBackoffMax"/>.</summary>
    public TimeSpan ReconnectBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most native calls allowed in flight at once, so a hung libvirtd cannot make the client spawn
    /// threads without bound (1 to 256). Default 16.</summary>
    public int MaxConcurrentCalls { get; init; } = 16;

    /// <summary>Returns the problems of these options, empty when valid. Each names the option and the accepted range.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Uri) || Uri.Contains('\0', StringComparison.Ordinal) || !Uri.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"libvirt URI '{Uri}' is not a libvirt URI; use e.g. '{DefaultUri}' or 'qemu+ssh://host/system'");
        }

        if (KeepAliveInterval != TimeSpan.Zero && (KeepAliveInterval < TimeSpan.FromSeconds(1) || KeepAliveInterval > TimeSpan.FromMinutes(10)))
        {
            errors.Add(Invariant($"libvirt keepalive interval {KeepAliveInterval} is out of range; use 0 (off) or 1s..10m"));
        }

        if (KeepAliveCount is < 1 or > 100)
        {
            errors.Add(Invariant($"libvirt keepalive count {KeepAliveCount} is out of range; use 1..100"));
        }

        if (ParallelChunks is < 1 or > 64)
        {
            errors.Add(Invariant($"libvirt parallel chunks {ParallelChunks} is out of range; use 1..64 (1 = one bulk call)"));
        }

        if (ReconnectBackoffInitial < TimeSpan.FromMilliseconds(10) || ReconnectBackoffInitial > TimeSpan.FromMinutes(1))
        {
            errors.Add(Invariant($"libvirt initial reconnect backoff {ReconnectBackoffInitial} is out of range; use 10ms..1m"));
        }

        if (ReconnectBackoffMax < TimeSpan.FromMilliseconds(100) || ReconnectBackoffMax > TimeSpan.FromHours(1) || ReconnectBackoffMax < ReconnectBackoffInitial)
        {
            errors.Add(Invariant($"libvirt reconnect backoff max {ReconnectBackoffMax} is out of range; use 100ms..1h and at least the initial backoff"));
        }

        if (MaxConcurrentCalls is < 1 or > 256)
        {
            errors.Add(Invariant($"libvirt max concurrent calls {MaxConcurrentCalls} is out of range; use 1..256"));
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the options are invalid.</summary>
    public LibvirtOptions EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid libvirt options: " + string.Join("; ", errors));
        }

        return this;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
