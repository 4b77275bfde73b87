namespace KvmMetrics.Influx.LineProtocol;

/// <summary>The unit of the timestamps written in line protocol (the <c>precision</c> query parameter).</summary>
public enum WritePrecision
{
    /// <summary>Nanoseconds (v1 <c>n</c>, v2 <c>ns</c>).</summary>
    Nanoseconds,

    /// <summary>Microseconds (v1 <c>u</c>, v2 <c>us</c>).</summary>
    Microseconds,

    /// <summary>Milliseconds (<c>ms</c>).</summary>
    Milliseconds,

    /// <summary>Seconds (<c>s</c>).</summary>
    Seconds,
}

/// <summary>Conversions for <see cref="WritePrecision"/>.</summary>
public static class WritePrecisionExtensions
{
    /// <summary>The value of the <c>precision</c> parameter of the v1 <c>/write</c> endpoint.</summary>
    public static string ToV1Parameter(this WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => "n",
        WritePrecision.Microseconds => "u",
        WritePrecision.Milliseconds => "ms",
        WritePrecision.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>The value of the <c>precision</c> parameter of the v2 <c>/api/v2/write</c> endpoint.</summary>
    public static string ToV2Parameter(this WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => "ns",
        WritePrecision.Microseconds => "us",
        WritePrecision.Milliseconds => "ms",
        WritePrecision.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>Nanoseconds per unit of <paramref name="precision"/>.</summary>
    public static long NanosecondsPerUnit(this WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => 1L,
        WritePrecision.Microseconds => 1_000L,
        WritePrecision.Milliseconds => 1_000_000L,
        WritePrecision.Seconds => 1_000_000_000L,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>Converts nanoseconds since the Unix epoch to <paramref name="precision"/> units, rounding towards negative infinity.</summary>
    public static long FromNanoseconds(this WritePrecision precision, long unixNanoseconds) =>
        Math.DivRem(unixNanoseconds, precision.NanosecondsPerUnit()) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>Nanoseconds since the Unix epoch for a point in time (100 ns resolution of <see cref="DateTimeOffset"/>).</summary>
    public static long ToUnixNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100L;
}
