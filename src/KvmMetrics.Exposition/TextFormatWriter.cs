using KvmMetrics.Exposition.Writing;

namespace KvmMetrics.Exposition;

/// <summary>
/// Writes a <see cref="MetricSet"/> in the Prometheus text exposition format 0.0.4: per family
/// <c># HELP</c> (escaping <c>\\</c> and <c>\n</c>), <c># TYPE</c> (<c>counter</c>, <c>gauge</c>,
/// <c>untyped</c>; info families are written as <c>gauge</c>), then the samples; families sorted by
/// name and contiguous; label values escape <c>\\</c>, <c>\"</c> and <c>\n</c>; output is UTF-8
/// (lone surrogates become U+FFFD). Values: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, whole numbers
/// without exponent or decimal point, others as the shortest round-trip form; info samples are 1.
/// </summary>
public static class TextFormatWriter
{
    /// <summary>The HTTP Content-Type of this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Writes <paramref name="set"/> to <paramref name="output"/> (synchronously, buffered, then flushed).</summary>
    public static void Write(MetricSet set, Stream output) => ExpositionWriter.Write(set, output, openMetrics: false);

    /// <summary>Returns the exposition as a string (tests and diagnostics).</summary>
    public static string WriteToString(MetricSet set) => ExpositionWriter.WriteToString(set, openMetrics: false);
}
