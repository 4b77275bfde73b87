namespace KvmMetrics.Influx.LineProtocol;

/// <summary>
/// One point: a measurement, tags, at least one field and an optional timestamp. Built fluently
/// (<c>new PointData("cpu").Tag("host", "a").Field("value", 1.5).Timestamp(t)</c>); not thread-safe.
/// </summary>
public sealed class PointData
{
    private readonly List<KeyValuePair<string, string>> _tags = [];
    private readonly List<KeyValuePair<string, FieldValue>> _fields = [];

    /// <summary>Creates a point for <paramref name="measurement"/>.</summary>
    public PointData(string measurement)
    {
        Measurement = measurement ?? throw new ArgumentNullException(nameof(measurement));
    }

    /// <summary>The measurement name.</summary>
    public string Measurement { get; }

    /// <summary>Tags in the order they were added (the serializer sorts them by key).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags => _tags;

    /// <summary>Fields in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, FieldValue>> Fields => _fields;

    /// <summary>Nanoseconds since the Unix epoch, or null to let the server stamp the point.</summary>
    public long? UnixNanoseconds { get; private set; }

    /// <summary>Adds a tag. An empty value is allowed here and omitted on write (line protocol has no empty tag values).</summary>
    public PointData Tag(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _tags.Add(new(key, value ?? string.Empty));
        return this;
    }

    /// <summary>Adds a field.</summary>
    public PointData Field(string key, FieldValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _fields.Add(new(key, value));
        return this;
    }

    /// <summary>Adds a float field (NaN and infinities are dropped and counted on write).</summary>
    public PointData Field(string key, double value) => Field(key, FieldValue.Float(value));

    /// <summary>Adds an integer field.</summary>
    public PointData Field(string key, long value) => Field(key, FieldValue.Integer(value));

    /// <summary>Adds a string field.</summary>
    public PointData Field(string key, string value) => Field(key, FieldValue.String(value));

    /// <summary>Adds a boolean field.</summary>
    public PointData Field(string key, bool value) => Field(key, FieldValue.Boolean(value));

    /// <summary>Sets the timestamp in nanoseconds since the Unix epoch.</summary>
    public PointData Timestamp(long unixNanoseconds)
    {
        UnixNanoseconds = unixNanoseconds;
        return this;
    }

    /// <summary>Sets the timestamp.</summary>
    public PointData Timestamp(DateTimeOffset time) => Timestamp(WritePrecisionExtensions.ToUnixNanoseconds(time));
}
