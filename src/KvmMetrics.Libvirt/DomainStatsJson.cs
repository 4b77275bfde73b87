using System.Globalization;
using System.Text.Json;

namespace KvmMetrics.Libvirt;

/// <summary>
/// A stable JSON form of decoded statistics (<c>[{"uuid","name","id","params":[{"name","type","value"}]}]</c>), used for
/// recorded fixtures that tests of the exporter replay, and for debugging dumps. Integers are written exactly
/// (unsigned 64-bit values unchanged), doubles round-trip.
/// </summary>
public static class DomainStatsJson
{
    /// <summary>Writes records as indented JSON.</summary>
    public static string Serialize(IEnumerable<DomainStats> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteString("uuid", r.Uuid);
                w.WriteString("name", r.Name);
                w.WriteNumber("id", r.Id);
                w.WriteStartArray("params");
                foreach (var p in r.Parameters)
                {
                    w.WriteStartObject();
                    w.WriteString("name", p.Name);
                    w.WriteString("type", TypeName(p.Type));
                    switch (p.Type)
                    {
                        case TypedParameterType.ULLong:
                            w.WriteNumber("value", unchecked((ulong)p.Integer));
                            break;
                        case TypedParameterType.Double:
                            if (double.IsFinite(p.Number))
                            {
                                w.WriteNumber("value", p.Number);
                            }
                            else
                            {
                                w.WriteString("value", p.Number.ToString("R", CultureInfo.InvariantCulture));
                            }

                            break;
                        case TypedParameterType.String:
                            w.WriteString("value", p.Text);
                            break;
                        case TypedParameterType.Boolean:
                            w.WriteBoolean("value", p.Integer != 0);
                            break;
                        default:
                            w.WriteNumber("value", p.Integer);
                            break;
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Reads records written by <see cref="Serialize"/>.</summary>
    /// <exception cref="FormatException">The JSON does not have the expected shape (the message says where).</exception>
    public static IReadOnlyList<DomainStats> Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var result = new List<DomainStats>();
            foreach (var r in doc.RootElement.EnumerateArray())
            {
                var parameters = new List<TypedParameter>();
                foreach (var p in r.GetProperty("params").EnumerateArray())
                {
                    var name = p.GetProperty("name").GetString() ?? string.Empty;
                    var type = ParseType(p.GetProperty("type").GetString());
                    var v = p.GetProperty("value");
                    parameters.Add(type switch
                    {
                        TypedParameterType.String => new TypedParameter(name, type, double.NaN, v.GetString() ?? string.Empty),
                        TypedParameterType.Boolean => new TypedParameter(name, type, v.GetBoolean() ? 1 : 0, null) { Integer = v.GetBoolean() ? 1 : 0 },
                        TypedParameterType.Double => new TypedParameter(
                            name,
                            type,
                            v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble(),
                            null),
                        TypedParameterType.ULLong => new TypedParameter(name, type, v.GetUInt64(), null) { Integer = unchecked((long)v.GetUInt64()) },
                        _ => new TypedParameter(name, type, v.GetInt64(), null) { Integer = v.GetInt64() },
                    });
                }

                result.Add(new DomainStats(
                    r.GetProperty("uuid").GetString() ?? string.Empty,
                    r.GetProperty("name").GetString() ?? string.Empty,
                    r.GetProperty("id").GetInt32(),
                    parameters));
            }

            return result;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new FormatException("domain stats JSON is malformed: " + e.Message, e);
        }
    }

    private static string TypeName(TypedParameterType t) => t.ToString().ToLowerInvariant();

    private static TypedParameterType ParseType(string? s) =>
        Enum.TryParse<TypedParameterType>(s, ignoreCase: true, out var t) && Enum.IsDefined(t)
            ? t
            : throw new FormatException($"unknown parameter type '{s}'; expected int, uint, llong, ullong, double, boolean or string");
}
