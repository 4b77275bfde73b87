using System.Globalization;

namespace KvmMetrics.Libvirt;

/// <summary>Helpers for libvirt's flat statistic names (<c>block.3.rd.reqs</c>, <c>vcpu.0.time</c>, <c>cpu.time</c>).</summary>
public static class DomainStatsFields
{
    /// <summary>
    /// Splits an indexed name <c>prefix.N.rest</c>: <c>block.3.rd.reqs</c> gives <c>block</c>, 3, <c>rd.reqs</c>.
    /// Returns false for names without a numeric second segment (<c>block.count</c>, <c>cpu.time</c>) or
    /// with an empty rest.
    /// </summary>
    public static bool TryParseIndexed(string name, out string prefix, out int index, out string rest)
    {
        prefix = string.Empty;
        rest = string.Empty;
        index = -1;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var first = name.IndexOf('.', StringComparison.Ordinal);
        if (first <= 0)
        {
            return false;
        }

        var second = name.IndexOf('.', first + 1);
        if (second < 0 || second == first + 1 || second == name.Length - 1)
        {
            return false;
        }

        var digits = name.AsSpan(first + 1, second - first - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            index = -1;
            return false;
        }

        prefix = Decoding.NameTable.Intern(name.AsSpan(0, first));
        rest = Decoding.NameTable.Intern(name.AsSpan(second + 1));
        return true;
    }

    /// <summary>The group prefix of a name: <c>block</c> for <c>block.0.rd.reqs</c>, <c>cpu</c> for <c>cpu.time</c>.</summary>
    public static string Prefix(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    /// <summary>
    /// Groups a record's indexed parameters by index: for prefix <c>block</c>, maps each N to its
    /// <c>rest → parameter</c> table (<c>name</c>, <c>rd.reqs</c>, ...). Later duplicates win.
    /// </summary>
    public static IReadOnlyDictionary<int, Dictionary<string, TypedParameter>> Indexed(IEnumerable<TypedParameter> parameters, string prefix)
    {
        var result = new SortedDictionary<int, Dictionary<string, TypedParameter>>();
        foreach (var p in parameters)
        {
            if (TryParseIndexed(p.Name, out var pre, out var index, out var rest) && string.Equals(pre, prefix, StringComparison.Ordinal))
            {
                if (!result.TryGetValue(index, out var table))
                {
                    table = new Dictionary<string, TypedParameter>(StringComparer.Ordinal);
                    result[index] = table;
                }

                table[rest] = p;
            }
        }

        return result;
    }
}
