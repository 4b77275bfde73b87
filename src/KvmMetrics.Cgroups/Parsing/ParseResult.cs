namespace KvmMetrics.Cgroups.Parsing;

/// <summary>What reading and parsing one cgroup file gave.</summary>
public enum CgroupFileStatus
{
    /// <summary>The file was read and every line parsed.</summary>
    Ok,

    /// <summary>The file does not exist (controller not enabled, older kernel): not an error.</summary>
    Absent,

    /// <summary>The file exists but its content is not what the kernel writes (empty, truncated, unexpected).</summary>
    Malformed,

    /// <summary>The file exists but could not be read (permissions, I/O error, cgroup removed mid-read).</summary>
    Unreadable,
}

/// <summary>
/// The result of parsing one cgroup file: a value when <see cref="Status"/> is <see cref="CgroupFileStatus.Ok"/>,
/// otherwise the reason. Parsers never throw; they return this.
/// </summary>
/// <typeparam name="T">The parsed value type.</typeparam>
public readonly struct ParseResult<T>
{
    private ParseResult(CgroupFileStatus status, T value, string? problem)
    {
        Status = status;
        Value = value;
        Problem = problem;
    }

    /// <summary>What happened.</summary>
    public CgroupFileStatus Status { get; }

    /// <summary>The parsed value; the type's default unless <see cref="IsOk"/>.</summary>
    public T Value { get; }

    /// <summary>Why the file was rejected (names the line or token), null when <see cref="IsOk"/> or absent.</summary>
    public string? Problem { get; }

    /// <summary>True when the file was parsed completely.</summary>
    public bool IsOk => Status == CgroupFileStatus.Ok;

    /// <summary>A successful parse.</summary>
    public static ParseResult<T> Ok(T value) => new(CgroupFileStatus.Ok, value, null);

    /// <summary>The file does not exist.</summary>
    public static ParseResult<T> Absent() => new(CgroupFileStatus.Absent, default!, null);

    /// <summary>The content is not what the kernel writes.</summary>
    public static ParseResult<T> Malformed(string problem) => new(CgroupFileStatus.Malformed, default!, problem);

    /// <summary>The file could not be read.</summary>
    public static ParseResult<T> Unreadable(string problem) => new(CgroupFileStatus.Unreadable, default!, problem);

    /// <summary>Carries this failure over to another value type (only meaningful when not <see cref="IsOk"/>).</summary>
    public ParseResult<TOther> Forward<TOther>() => ParseResult<TOther>.Failed(Status, Problem);

    /// <summary>A non-Ok result with the given status and problem.</summary>
    internal static ParseResult<T> Failed(CgroupFileStatus status, string? problem) => new(status, default!, problem);

    /// <inheritdoc />
    public override string ToString() => IsOk ? $"Ok({Value})" : $"{Status}({Problem})";
}
