using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace KvmMetrics.Exposition.Tests.Generators;

/// <summary>One generated family: a valid name scheme, arbitrary HELP and label values.</summary>
public sealed record FamilySpec(string Name, MetricType Type, string Help, string[] LabelNames, (string[] Values, double Value)[] Samples);

/// <summary>One generated exposition: what collectors would add, in order.</summary>
public sealed record ExpositionCase(FamilySpec[] Families)
{
    /// <summary>Builds the set the writers get.</summary>
    public MetricSet Build()
    {
        var builder = new MetricSetBuilder();
        foreach (var family in Families)
        {
            var descriptor = new MetricDescriptor(family.Name, family.Type, family.Help, family.LabelNames);
            foreach (var (values, value) in family.Samples)
            {
                builder.Add(descriptor, value, values);
            }
        }

        return builder.Build();
    }

    /// <summary>A readable dump with every string C#-escaped, so a failing case can be pasted into a test.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var f in Families)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{f.Name} {f.Type} help={Quote(f.Help)} labels=[{string.Join(",", f.LabelNames)}]\n");
            foreach (var (values, value) in f.Samples)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  [{string.Join(", ", values.Select(Quote))}] = {value:R}\n");
            }
        }

        return sb.ToString();
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return sb.Append('"').ToString();
    }
}

/// <summary>FsCheck generators for hostile exposition input.</summary>
public static class ExpositionGenerators
{
    // Base names include one that is a prefix of another so that OpenMetrics ordering and
    // family-name collisions (counter "x_total" vs gauge "x") are exercised.
    private static readonly string[] BaseNames =
        ["kvm_fuzz_vm", "kvm_fuzz_vm_state", "kvm_fuzz_alpha", "kvm_fuzz_beta", "kvm_fuzz_gamma", "kvm_fuzz_domain_state"];

    private static readonly string[] LabelNamePool = ["domain", "uuid", "dev", "vcpu", "a_b", "target"];

    private static readonly string[] SpecialPieces =
        ["\\", "\"", "\n", "\r", "\t", "\0", " ", "{", "}", "=", ",", "#", "\\n", "\\\"", "é", "€", "\u2028", "\uFEFF",
         "\uD83D\uDE00", "\U0010FFFF", "\uD800", "\uDFFF", "\uFFFD", "\uFFFF"];

    private static readonly double[] SpecialValues =
        [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1, -1, 0.1, double.MaxValue, double.MinValue,
         double.Epsilon, -double.Epsilon, 1e-300, 9007199254740993.0, 9.2e18, -9.2e18, 9.3e18, 1e19, 1e21, 123456.789];

    /// <summary>Arbitrary .NET strings, biased towards characters that need escaping or are invalid UTF-16.</summary>
    public static Gen<string> HostileString { get; } =
        Gen.Frequency(
                (3, Gen.Elements(SpecialPieces)),
                (4, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
                (2, Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString())),
                (1, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)))
            .ListOf()
            .Select(pieces => string.Concat(pieces));

    /// <summary>Sample values: the special ones, integers, and arbitrary bit patterns.</summary>
    public static Gen<double> Value { get; } =
        Gen.Frequency(
            (3, Gen.Elements(SpecialValues)),
            (3, Gen.Choose(-1_000_000, 1_000_000).Select(i => (double)i)),
            (4, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2))));

    private static Gen<FamilySpec> Family(string baseName) =>
        from type in Gen.Elements(MetricType.Gauge, MetricType.Counter, MetricType.Info, MetricType.Untyped)
        from help in HostileString
        from labelCount in Gen.Choose(0, 3)
        from labels in Gen.Shuffle(LabelNamePool).Select(l => l.Take(labelCount).ToArray())
        from sampleCount in Gen.Choose(1, labelCount == 0 ? 2 : 6)
        from samples in Gen.Zip(HostileString.ArrayOf(labelCount), Value).ArrayOf(sampleCount)
        select new FamilySpec(
            type switch
            {
                MetricType.Counter => baseName + "_total",
                MetricType.Info => baseName + "_info",
                _ => baseName,
            },
            type,
            // promlint reports empty HELP; a leading letter keeps lint quiet without limiting the rest.
            "H" + help,
            labels,
            samples.Select(s => (s.Item1, s.Item2)).ToArray());

    /// <summary>A whole exposition with 1-4 families on distinct base names.</summary>
    public static Gen<ExpositionCase> Case { get; } =
        from count in Gen.Choose(1, 4)
        from names in Gen.Shuffle(BaseNames)
        from families in Gen.CollectToArray(names.Take(count).Select(Family))
        select new ExpositionCase(families);

    /// <summary>The arbitrary (no shrinker: the dump in <see cref="ExpositionCase.ToString"/> is the counterexample).</summary>
    public static Arbitrary<ExpositionCase> Arbitrary { get; } = Case.ToArbitrary();
}
