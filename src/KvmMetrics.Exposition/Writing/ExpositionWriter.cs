namespace KvmMetrics.Exposition.Writing;

/// <summary>The shared writer behind <see cref="TextFormatWriter"/> and <see cref="OpenMetricsWriter"/>.</summary>
internal static class ExpositionWriter
{
    public static void Write(MetricSet set, Stream output, bool openMetrics)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8Output(output);
        if (openMetrics)
        {
            WriteOpenMetrics(set, writer);
        }
        else
        {
            WriteText(set, writer);
        }

        writer.Flush();
    }

    public static string WriteToString(MetricSet set, bool openMetrics)
    {
        using var buffer = new MemoryStream();
        Write(set, buffer, openMetrics);
        return TextSanitizer.Utf8NoBom.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteText(MetricSet set, Utf8Output writer)
    {
        var families = set.Families;
        string? previous = null;
        for (var f = 0; f < families.Count; f++)
        {
            var family = families[f];
            var d = family.Descriptor;

            // MetricSetBuilder guarantees unique, sorted names; a repeated name would make the
            // whole page invalid, so it is skipped rather than written twice.
            if (previous is not null && string.Equals(previous, d.Name, StringComparison.Ordinal))
            {
                continue;
            }

            previous = d.Name;
            if (d.Help.Length > 0)
            {
                writer.WriteRaw("# HELP "u8);
                writer.WriteRaw(d.Encoded.Name);
                writer.WriteByte((byte)' ');
                writer.WriteHelpEscaped(d.Help);
                writer.WriteByte((byte)'\n');
            }

            writer.WriteRaw("# TYPE "u8);
            writer.WriteRaw(d.Encoded.Name);
            writer.WriteRaw(d.Type switch
            {
                MetricType.Counter => " counter\n"u8,
                MetricType.Gauge or MetricType.Info => " gauge\n"u8,
                _ => " untyped\n"u8,
            });
            WriteSamples(family, writer);
        }
    }

    private static void WriteOpenMetrics(MetricSet set, Utf8Output writer)
    {
        var families = set.Families;

        // Sorted by family name (the order of sample names differs when a counter's family name
        // is a prefix of another family's name), ties by sample name so the result is
        // deterministic. Index sort: no copies of the families.
        var order = new int[families.Count];
        var keys = new string[families.Count];
        var demoted = new bool[families.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            var d = families[i].Descriptor;

            // OpenMetrics 1.0: a counter's Total is non-NaN and starts from 0. A counter family with
            // a NaN or negative sample is exposed as "unknown" under its full sample name, which
            // keeps both the data and the spec.
            demoted[i] = d.Type == MetricType.Counter && HasInvalidCounterValue(families[i].Samples);
            keys[i] = demoted[i] ? d.Name : d.Encoded.FamilyNameText;
        }

        Array.Sort(order, (a, b) =>
        {
            var c = string.CompareOrdinal(keys[a], keys[b]);
            return c != 0 ? c : string.CompareOrdinal(families[a].Descriptor.Name, families[b].Descriptor.Name);
        });
        string? previous = null;
        for (var k = 0; k < order.Length; k++)
        {
            var family = families[order[k]];
            var d = family.Descriptor;
            var familyName = keys[order[k]];

            // Two families with the same OpenMetrics name (a counter "x_total" and a gauge "x")
            // cannot both be exposed: the first in sort order wins, the other is dropped.
            if (previous is not null && string.Equals(previous, familyName, StringComparison.Ordinal))
            {
                continue;
            }

            previous = familyName;
            writer.WriteRaw("# TYPE "u8);
            var familyBytes = demoted[order[k]] ? d.Encoded.Name : d.Encoded.FamilyName;
            writer.WriteRaw(familyBytes);
            writer.WriteRaw(demoted[order[k]] ? " unknown\n"u8 : d.Type switch
            {
                MetricType.Counter => " counter\n"u8,
                MetricType.Gauge => " gauge\n"u8,
                MetricType.Info => " info\n"u8,
                _ => " unknown\n"u8,
            });
            if (d.Help.Length > 0)
            {
                writer.WriteRaw("# HELP "u8);
                writer.WriteRaw(familyBytes);
                writer.WriteByte((byte)' ');
                writer.WriteQuotedEscaped(d.Help);
                writer.WriteByte((byte)'\n');
            }

            WriteSamples(family, writer);
        }

        writer.WriteRaw("# EOF\n"u8);
    }

    private static bool HasInvalidCounterValue(IReadOnlyList<Sample> samples)
    {
        for (var i = 0; i < samples.Count; i++)
        {
            var v = samples[i].Value;
            if (double.IsNaN(v) || v < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteSamples(MetricFamily family, Utf8Output writer)
    {
        var d = family.Descriptor;
        var encoded = d.Encoded;
        var name = encoded.Name;
        var prefixes = encoded.LabelPrefixes;
        var samples = family.Samples;
        var info = d.Type == MetricType.Info;
        for (var s = 0; s < samples.Count; s++)
        {
            var sample = samples[s];
            writer.WriteRaw(name);
            var values = sample.LabelValues;
            if (values.Length > 0)
            {
                for (var l = 0; l < values.Length; l++)
                {
                    writer.WriteRaw(prefixes[l]);
                    writer.WriteQuotedEscaped(values[l] ?? string.Empty);
                }

                writer.WriteRaw("\"} "u8);
            }
            else
            {
                writer.WriteByte((byte)' ');
            }

            // An info sample's value is 1 by definition (OpenMetrics "Info"); anything else a
            // collector passed would be meaningless.
            writer.WriteNumber(info ? 1 : sample.Value);
            writer.WriteByte((byte)'\n');
        }
    }
}
