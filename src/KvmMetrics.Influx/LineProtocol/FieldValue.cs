using System.Globalization;

namespace KvmMetrics.Influx.LineProtocol;

/// <summary>The line-protocol type of a field value.</summary>
public enum FieldKind
{
    /// <summary>64-bit float, written without suffix.</summary>
    Float,

    /// <summary>64-bit signed integer, written with the <c>i</c> suffix.</summary>
    Integer,

    /// <summary>String, written in double quotes.</summary>
    String,

    /// <summary>Boolean, written as <c>true</c>/<c>false</c>.</summary>
    Boolean,
}

/// <summary>One field value of a point.</summary>
public readonly record struct FieldValue
{
    private readonly double _float;
    private readonly long _integer;
    private readonly string? _string;

    private FieldValue(FieldKind kind, double f, long i, string? s)
    {
        Kind = kind;
        _float = f;
        _integer = i;
        _string = s;
    }

    /// <summary>The type of the value.</summary>
    public FieldKind Kind { get; }

    /// <summary>The float value (only for <see cref="FieldKind.Float"/>).</summary>
    public double AsFloat => _float;

    /// <summary>The integer value (for <see cref="FieldKind.Integer"/>; 1/0 for booleans).</summary>
    public long AsInteger => _integer;

    /// <summary>The string value (only for <see cref="FieldKind.String"/>).</summary>
    public string AsString => _string ?? string.Empty;

    /// <summary>The boolean value (only for <see cref="FieldKind.Boolean"/>).</summary>
    public bool AsBoolean => _integer != 0;

    /// <summary>True for a float that is NaN or infinite: line protocol cannot carry it.</summary>
    public bool IsNonFinite => Kind == FieldKind.Float && !double.IsFinite(_float);

    /// <summary>A float field.</summary>
    public static FieldValue Float(double value) => new(FieldKind.Float, value, 0, null);

    /// <summary>An integer field (<c>i</c> suffix).</summary>
    public static FieldValue Integer(long value) => new(FieldKind.Integer, 0, value, null);

    /// <summary>A string field.</summary>
    public static FieldValue String(string value) => new(FieldKind.String, 0, 0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A boolean field.</summary>
    public static FieldValue Boolean(bool value) => new(FieldKind.Boolean, 0, value ? 1 : 0, null);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FieldKind.Float => _float.ToString("R", CultureInfo.InvariantCulture),
        FieldKind.Integer => _integer.ToString(CultureInfo.InvariantCulture) + "i",
        FieldKind.Boolean => AsBoolean ? "true" : "false",
        _ => AsString,
    };
}
