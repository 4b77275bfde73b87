namespace KvmMetrics.Libvirt;

/// <summary>The value type of a libvirt typed parameter (<c>virTypedParameterType</c>).</summary>
public enum TypedParameterType
{
    /// <summary><c>VIR_TYPED_PARAM_INT</c>: 32-bit signed.</summary>
    Int = 1,

    /// <summary><c>VIR_TYPED_PARAM_UINT</c>: 32-bit unsigned.</summary>
    UInt = 2,

    /// <summary><c>VIR_TYPED_PARAM_LLONG</c>: 64-bit signed.</summary>
    LLong = 3,

    /// <summary><c>VIR_TYPED_PARAM_ULLONG</c>: 64-bit unsigned.</summary>
    ULLong = 4,

    /// <summary><c>VIR_TYPED_PARAM_DOUBLE</c>.</summary>
    Double = 5,

    /// <summary><c>VIR_TYPED_PARAM_BOOLEAN</c>: a C <c>char</c>, 0 or not.</summary>
    Boolean = 6,

    /// <summary><c>VIR_TYPED_PARAM_STRING</c>: a NUL-terminated UTF-8 string.</summary>
    String = 7,
}

/// <summary>One decoded libvirt statistic, e.g. <c>block.0.rd.reqs = 42</c>.</summary>
/// <param name="Name">The flat field name (<c>cpu.time</c>, <c>vcpu.0.delay</c>); ASCII.</param>
/// <param name="Type">The libvirt value type.</param>
/// <param name="Number">The numeric value (booleans as 0/1; <see cref="double.NaN"/> for strings). 64-bit
/// integers above 2^53 lose precision here; use <see cref="Integer"/> when exactness matters.</param>
/// <param name="Text">The string value for <see cref="TypedParameterType.String"/>, otherwise null.</param>
public readonly record struct TypedParameter(string Name, TypedParameterType Type, double Number, string? Text)
{
    /// <summary>The exact integer value for integer and boolean types (unsigned 64-bit values above
    /// <see cref="long.MaxValue"/> wrap, as they do in C); 0 for doubles and strings.</summary>
    public long Integer { get; init; }

    /// <summary>True for every type except <see cref="TypedParameterType.String"/>.</summary>
    public bool IsNumeric => Type != TypedParameterType.String;
}
