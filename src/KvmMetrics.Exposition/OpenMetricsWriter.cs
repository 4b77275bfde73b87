using KvmMetrics.Exposition.Writing;

namespace KvmMetrics.Exposition;

/// <summary>
/// Writes a <see cref="MetricSet"/> in OpenMetrics 1.0: per family <c># TYPE</c> and <c># HELP</c>
/// on the family name (without <c>_total</c> / <c>_info</c>), types <c>counter</c>, <c>gauge</c>,
/// <c>info</c> and <c>unknown</c>, samples with the suffixed names, families sorted by family name,
/// HELP and label values escaping <c>\\</c>, <c>\"</c> and <c>\n</c>, and the final <c># EOF</c>.
/// Where the model cannot be expressed, the spec wins without losing data: a counter family with a
/// NaN or negative sample is written as <c>unknown</c> under its sample name; of two families with
/// the same OpenMetrics name (counter <c>x_total</c> and gauge <c>x</c>) only the first in
/// sample-name order is written.
/// </summary>
public static class OpenMetricsWriter
{
    /// <summary>The HTTP Content-Type of this format.</summary>
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>Writes <paramref name="set"/> to <paramref name="output"/> (synchronously, buffered, then flushed).</summary>
    public static void Write(MetricSet set, Stream output) => ExpositionWriter.Write(set, output, openMetrics: true);

    /// <summary>Returns the exposition as a string (tests and diagnostics).</summary>
    public static string WriteToString(MetricSet set) => ExpositionWriter.WriteToString(set, openMetrics: true);
}
