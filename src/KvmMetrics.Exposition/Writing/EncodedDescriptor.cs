using System.Text;

namespace KvmMetrics.Exposition.Writing;

/// <summary>
/// The constant parts of every sample line of one descriptor, already in UTF-8: the sample name,
/// the family name, and per label the text before its value (<c>{domain="</c>, <c>",uuid="</c>).
/// </summary>
internal sealed class EncodedDescriptor
{
    public EncodedDescriptor(MetricDescriptor descriptor)
    {
        Name = Encoding.UTF8.GetBytes(descriptor.Name);
        FamilyNameText = descriptor.FamilyName;
        FamilyName = Encoding.UTF8.GetBytes(FamilyNameText);
        var labels = descriptor.LabelNames;
        LabelPrefixes = new byte[labels.Count][];
        for (var i = 0; i < labels.Count; i++)
        {
            LabelPrefixes[i] = Encoding.UTF8.GetBytes((i == 0 ? "{" : "\",") + labels[i] + "=\"");
        }
    }

    /// <summary>The sample name (text format name, with <c>_total</c> / <c>_info</c>).</summary>
    public byte[] Name { get; }

    /// <summary>The OpenMetrics family name as a string (sorting).</summary>
    public string FamilyNameText { get; }

    /// <summary>The OpenMetrics family name.</summary>
    public byte[] FamilyName { get; }

    /// <summary>Per label: what precedes its value.</summary>
    public byte[][] LabelPrefixes { get; }
}
