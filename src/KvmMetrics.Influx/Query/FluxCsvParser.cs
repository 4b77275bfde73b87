using System.Globalization;
using System.Text;

namespace KvmMetrics.Influx.Query;

/// <summary>
/// Parses InfluxDB's annotated CSV (the <c>/api/v2/query</c> response): RFC 4180 quoting, annotation
/// rows (<c>#datatype</c>, <c>#group</c>, <c>#default</c>) before each header row, tables told
/// apart by the <c>table</c> column, blank lines between schema blocks, and the error table
/// (<c>,error,reference</c>) that Flux sends when a query fails mid-stream.
/// </summary>
public static class FluxCsvParser
{
    /// <summary>Parses a whole response.</summary>
    /// <exception cref="InfluxException">The response is an error table or is malformed (the message names the row).</exception>
    public static IReadOnlyList<FluxTable> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var tables = new List<FluxTable>();
        string[]? datatypes = null, groups = null, defaults = null, header = null;
        List<FluxColumn>? columns = null;
        (string Result, long Table)? currentKey = null;
        List<FluxRecord>? records = null;
        var rowNumber = 0;

        void CloseTable()
        {
            if (currentKey is { } key && columns is not null && records is not null)
            {
                tables.Add(new FluxTable(key.Result, key.Table, columns, records));
            }

            currentKey = null;
            records = null;
        }

        foreach (var row in ReadRows(reader))
        {
            rowNumber++;
            if (row.Count == 1 && row[0].Length == 0)
            {
                // Blank line: the next block starts with new annotations and a header.
                CloseTable();
                header = null;
                datatypes = groups = defaults = null;
                continue;
            }

            var first = row[0];
            if (first.StartsWith('#'))
            {
                if (header is not null)
                {
                    CloseTable();
                    header = null;
                    datatypes = groups = defaults = null;
                }

                switch (first)
                {
                    case "#datatype": datatypes = [.. row]; break;
                    case "#group": groups = [.. row]; break;
                    case "#default": defaults = [.. row]; break;
                }

                continue;
            }

            if (header is null)
            {
                header = [.. row];
                columns = [];
                for (var i = 1; i < header.Length; i++)
                {
                    columns.Add(new FluxColumn(
                        header[i],
                        datatypes is not null && i < datatypes.Length ? datatypes[i] : "string",
                        groups is not null && i < groups.Length && groups[i] == "true",
                        defaults is not null && i < defaults.Length && defaults[i].Length > 0 ? defaults[i] : null));
                }

                continue;
            }

            if (row.Count != header.Length)
            {
                throw new InfluxException($"Flux CSV row {rowNumber} has {row.Count} cells but the header has {header.Length}.");
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 1; i < row.Count; i++)
            {
                var column = columns![i - 1];
                var text = row[i].Length == 0 ? column.DefaultValue : row[i];
                values[column.Name] = text is null ? null : Convert(text, column.DataType, rowNumber, column.Name);
            }

            if (header.Length >= 3 && header[1] == "error" && header[2] == "reference")
            {
                throw new InfluxException($"Flux query failed: {values["error"]} (reference {values["reference"]})");
            }

            var key = (Result: values.GetValueOrDefault("result") as string ?? "_result", Table: values.GetValueOrDefault("table") is long t ? t : 0);
            if (currentKey != key)
            {
                CloseTable();
                currentKey = key;
                records = [];
            }

            values.Remove("result");
            values.Remove("table");
            records!.Add(new FluxRecord(values));
        }

        CloseTable();
        return tables.Select(t => t with { Columns = [.. t.Columns.Where(c => c.Name is not "result" and not "table")] }).ToList();
    }

    /// <summary>Parses a response held in a string.</summary>
    public static IReadOnlyList<FluxTable> Parse(string csv) => Parse(new StringReader(csv));

    private static object? Convert(string text, string dataType, int row, string column)
    {
        try
        {
            return dataType switch
            {
                "long" => long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                "unsignedLong" => ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture),
                "double" => text switch
                {
                    "+Inf" or "Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                },
                "boolean" => text switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw new FormatException("not true/false"),
                },
                "base64Binary" => System.Convert.FromBase64String(text),
                _ when dataType.StartsWith("dateTime", StringComparison.Ordinal) =>
                    DateTimeOffset.Parse(TrimFraction(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                _ => text,
            };
        }
        catch (FormatException e)
        {
            throw new InfluxException($"Flux CSV row {row}, column '{column}': '{text}' is not a valid {dataType}.", e);
        }
        catch (OverflowException e)
        {
            throw new InfluxException($"Flux CSV row {row}, column '{column}': '{text}' is out of range for {dataType}.", e);
        }
    }

    // RFC3339Nano carries up to 9 fraction digits; DateTimeOffset holds 7 (100 ns).
    private static string TrimFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 <= 7 ? text : text[..(dot + 8)] + text[end..];
    }

    /// <summary>Reads RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks; CRLF or LF ends a row.</summary>
    internal static IEnumerable<List<string>> ReadRows(TextReader reader)
    {
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var any = false;
        int ch;
        while ((ch = reader.Read()) >= 0)
        {
            var c = (char)ch;
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        cell.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(cell.ToString());
                    cell.Clear();
                    yield return row;
                    row = [];
                    any = false;
                    break;
                default:
                    cell.Append(c);
                    break;
            }
        }

        if (any)
        {
            row.Add(cell.ToString());
            yield return row;
        }
    }
}
