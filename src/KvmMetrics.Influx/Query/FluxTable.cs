namespace KvmMetrics.Influx.Query;

/// <summary>A column of a Flux table, from the <c>#datatype</c>, <c>#group</c> and <c>#default</c> annotations.</summary>
/// <param name="Name">Column label from the header row.</param>
/// <param name="DataType">Annotated type (<c>string</c>, <c>long</c>, <c>unsignedLong</c>, <c>double</c>, <c>boolean</c>, <c>dateTime:RFC3339</c>, <c>duration</c>, <c>base64Binary</c>).</param>
/// <param name="IsGroupKey">True when the column is part of the group key.</param>
/// <param name="DefaultValue">The value used for empty cells, or null.</param>
public sealed record FluxColumn(string Name, string DataType, bool IsGroupKey, string? DefaultValue);

/// <summary>One row of a Flux table: values by column name, converted to CLR types.</summary>
public sealed class FluxRecord
{
    private readonly Dictionary<string, object?> _values;

    internal FluxRecord(Dictionary<string, object?> values)
    {
        _values = values;
    }

    /// <summary>All values by column name.</summary>
    public IReadOnlyDictionary<string, object?> Values => _values;

    /// <summary>A value by column name (null when absent or empty).</summary>
    public object? this[string column] => _values.GetValueOrDefault(column);

    /// <summary>The <c>_time</c> column.</summary>
    public DateTimeOffset? Time => this["_time"] as DateTimeOffset?;

    /// <summary>The <c>_value</c> column.</summary>
    public object? Value => this["_value"];

    /// <summary>The <c>_field</c> column.</summary>
    public string? Field => this["_field"] as string;

    /// <summary>The <c>_measurement</c> column.</summary>
    public string? Measurement => this["_measurement"] as string;
}

/// <summary>One table of a Flux result (rows sharing a group key).</summary>
/// <param name="Result">The <c>result</c> name (<c>_result</c> unless the query used <c>yield(name:)</c>).</param>
/// <param name="TableId">The <c>table</c> number.</param>
/// <param name="Columns">Columns, without the annotation column, <c>result</c> and <c>table</c>.</param>
/// <param name="Records">Rows in order.</param>
public sealed record FluxTable(string Result, long TableId, IReadOnlyList<FluxColumn> Columns, IReadOnlyList<FluxRecord> Records)
{
    /// <summary>The group-key columns and their values (from the first row).</summary>
    public IReadOnlyDictionary<string, object?> GroupKey =>
        Records.Count == 0
            ? new Dictionary<string, object?>()
            : Columns.Where(c => c.IsGroupKey).ToDictionary(c => c.Name, c => Records[0][c.Name], StringComparer.Ordinal);
}
