namespace KvmMetrics.Libvirt;

/// <summary>One domain's statistics record, decoded from a <c>virDomainStatsRecord</c>.</summary>
/// <param name="Uuid">The domain UUID, lower-case and dashed.</param>
/// <param name="Name">The domain name (hostile content possible: decoded from UTF-8 with replacement characters).</param>
/// <param name="Id">The libvirt domain id; -1 when the domain is not running.</param>
/// <param name="Parameters">The typed parameters in libvirt's order (<c>state.state</c>, <c>cpu.time</c>, ...).</param>
public sealed record DomainStats(string Uuid, string Name, int Id, IReadOnlyList<TypedParameter> Parameters)
{
    /// <summary>Finds a parameter by exact name, or null.</summary>
    public TypedParameter? Find(string name)
    {
        foreach (var p in Parameters)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>The numeric value of a parameter, or null when absent or a string.</summary>
    public double? Number(string name) => Find(name) is { IsNumeric: true } p ? p.Number : null;

    /// <summary>The domain state from <c>state.state</c>, or null when the state group was not requested.</summary>
    public DomainState? State => Number("state.state") is { } s && s is >= 0 and <= 7 ? (DomainState)(int)s : null;
}
