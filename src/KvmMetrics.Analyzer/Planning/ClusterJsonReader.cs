using System.Globalization;
using System.Text.Json;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Planning;

/// <summary>What a cluster file holds.</summary>
/// <param name="Snapshot">Hosts, VMs, constraints, policy and plan time.</param>
/// <param name="Capacity">Capacity options from the optional <c>capacity</c> object.</param>
/// <param name="HasPlanTime">False when the file had no <c>planTime</c> (the caller picks one).</param>
public sealed record ClusterFile(ClusterSnapshot Snapshot, CapacityOptions Capacity, bool HasPlanTime);

/// <summary>
/// Reads the cluster JSON of the <c>plan</c> and <c>capacity</c> commands. Unknown fields are rejected (a typo in a
/// policy name must not silently fall back to a default) and every error names the file, the JSON path and the fix.
/// </summary>
public static class ClusterJsonReader
{
    /// <summary>Reads and validates a cluster file.</summary>
    /// <exception cref="UsageException">The file is missing, not JSON, or invalid.</exception>
    public static ClusterFile ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"cluster file '{path}' does not exist");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates cluster JSON; <paramref name="source"/> names it in errors.</summary>
    public static ClusterFile Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}");
        }

        using (doc)
        {
            try
            {
                return Read(doc, source);
            }
            catch (InvalidOperationException e)
            {
                // Valid JSON syntax that is no valid text, e.g. a lone surrogate escape ("\ud800") in a name or value.
                throw new UsageException($"{source}: not valid Unicode text: {e.Message}");
            }
        }
    }

    private static ClusterFile Read(JsonDocument doc, string source)
    {
        var r = new Reader(source);
        var root = doc.RootElement;
        r.Object(root, "$");
        r.Known(root, "$", "hosts", "vms", "constraints", "policy", "capacity", "planTime");
        var hosts = r.Array(root, "hosts", required: true).Select((h, i) => r.Host(h, $"hosts[{i}]")).ToArray();
        var vms = r.Array(root, "vms", required: true).Select((v, i) => r.Vm(v, $"vms[{i}]")).ToArray();
        var constraints = root.TryGetProperty("constraints", out var c) ? r.Constraints(c) : PlacementConstraints.None;
        var policy = root.TryGetProperty("policy", out var p) ? r.Policy(p) : ClusterPolicy.Default;
        var capacity = root.TryGetProperty("capacity", out var cap) ? r.Capacity(cap) : new CapacityOptions();
        var hasPlanTime = root.TryGetProperty("planTime", out var t);
        var planTime = hasPlanTime ? r.Long(t, "planTime", 0, 32_503_680_000) : 0;
        var snapshot = new ClusterSnapshot(hosts, vms, constraints, policy, planTime);
        var errors = ClusterValidator.Validate(snapshot).ToList();
        if (capacity.Validate() is { } capError)
        {
            errors.Add(capError);
        }

        if (errors.Count > 0)
        {
            throw new UsageException($"{source}: " + string.Join("; ", errors.Take(10)) + (errors.Count > 10 ? $"; and {errors.Count - 10} more" : ""));
        }

        return new ClusterFile(snapshot, capacity, hasPlanTime);
    }

    private sealed class Reader(string source)
    {
        public HostSpec Host(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, "name", "cpuCores", "memoryBytes", "maintenance", "diskBytes");
            return new HostSpec(
                String(Get(e, at, "name"), at + ".name"),
                Double(Get(e, at, "cpuCores"), at + ".cpuCores", 1e-3, 1e6),
                Long(Get(e, at, "memoryBytes"), at + ".memoryBytes", 1, long.MaxValue / 4),
                e.TryGetProperty("maintenance", out var m) && Bool(m, at + ".maintenance"),
                e.TryGetProperty("diskBytes", out var d) ? Long(d, at + ".diskBytes", 0, long.MaxValue / 4) : null);
        }

        public VmSpec Vm(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, "name", "host", "vcpus", "memoryBytes", "diskBytes");
            var name = String(Get(e, at, "name"), at + ".name");
            at = $"{at} (VM '{name}')";
            return new VmSpec(
                name,
                String(Get(e, at, "host"), at + ".host"),
                (int)Long(Get(e, at, "vcpus"), at + ".vcpus", 1, 4096),
                Long(Get(e, at, "memoryBytes"), at + ".memoryBytes", 0, long.MaxValue / 4),
                e.TryGetProperty("diskBytes", out var d) ? Long(d, at + ".diskBytes", 0, long.MaxValue / 4) : null);
        }

        public PlacementConstraints Constraints(JsonElement e)
        {
            Object(e, "constraints");
            Known(e, "constraints", "antiAffinity", "pinned", "drain");
            var groups = Array(e, "antiAffinity", required: false, at: "constraints")
                .Select((g, i) => (IReadOnlyList<string>)Strings(g, $"constraints.antiAffinity[{i}]")).ToArray();
            var pinned = e.TryGetProperty("pinned", out var p) ? Strings(p, "constraints.pinned") : [];
            var drain = e.TryGetProperty("drain", out var d) ? Strings(d, "constraints.drain") : [];
            return new PlacementConstraints(groups, pinned, drain);
        }

        public ClusterPolicy Policy(JsonElement e)
        {
            const string at = "policy";
            Object(e, at);
            Known(e, at, [.. PolicyFields.All.Select(f => f.Name)]);
            var p = ClusterPolicy.Default;
            foreach (var f in PolicyFields.All)
            {
                p = f.Set(p, Opt(e, f.Name, f.Get(p), at, f.Integer));
            }

            return p;
        }

        public CapacityOptions Capacity(JsonElement e)
        {
            const string at = "capacity";
            Object(e, at);
            Known(e, at, "reserveHosts", "targetUtilisation", "horizonDays", "rightSizingDays", "idleShare", "idleCpuCores",
                "idleIoBytesPerSecond", "oversizedShare", "undersizedShare", "undersizedHoursShare", "undersizedStealPerVcpu", "sizingHeadroom",
                "cpuAllocationRatio", "memoryAllocationRatio", "diskAllocationRatio", "leadTimeDays", "coverDays");
            var c = new CapacityOptions();
            return c with
            {
                ReserveHosts = (int)Opt(e, "reserveHosts", c.ReserveHosts, at, integer: true),
                TargetUtilisation = Opt(e, "targetUtilisation", c.TargetUtilisation, at),
                HorizonDays = (int)Opt(e, "horizonDays", c.HorizonDays, at, integer: true),
                RightSizingDays = (int)Opt(e, "rightSizingDays", c.RightSizingDays, at, integer: true),
                IdleShare = Opt(e, "idleShare", c.IdleShare, at),
                IdleCpuCores = Opt(e, "idleCpuCores", c.IdleCpuCores, at),
                IdleIoBytesPerSecond = Opt(e, "idleIoBytesPerSecond", c.IdleIoBytesPerSecond, at),
                OversizedShare = Opt(e, "oversizedShare", c.OversizedShare, at),
                UndersizedShare = Opt(e, "undersizedShare", c.UndersizedShare, at),
                UndersizedHoursShare = Opt(e, "undersizedHoursShare", c.UndersizedHoursShare, at),
                UndersizedStealPerVcpu = Opt(e, "undersizedStealPerVcpu", c.UndersizedStealPerVcpu, at),
                SizingHeadroom = Opt(e, "sizingHeadroom", c.SizingHeadroom, at),
                CpuAllocationRatio = Opt(e, "cpuAllocationRatio", c.CpuAllocationRatio, at),
                MemoryAllocationRatio = Opt(e, "memoryAllocationRatio", c.MemoryAllocationRatio, at),
                DiskAllocationRatio = Opt(e, "diskAllocationRatio", c.DiskAllocationRatio, at),
                LeadTimeDays = (int)Opt(e, "leadTimeDays", c.LeadTimeDays, at, integer: true),
                CoverDays = (int)Opt(e, "coverDays", c.CoverDays, at, integer: true),
            };
        }

        public void Object(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw Error($"{at} must be an object, got {Kind(e)}");
            }
        }

        public void Known(JsonElement e, string at, params string[] names)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (!names.Contains(p.Name, StringComparer.Ordinal))
                {
                    throw Error($"{at}: unknown field '{p.Name}' (known: {string.Join(", ", names)})");
                }
            }
        }

        public JsonElement[] Array(JsonElement e, string name, bool required, string at = "$")
        {
            if (!e.TryGetProperty(name, out var a))
            {
                return required ? throw Error($"{Path(at, name)} is required") : [];
            }

            return a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : throw Error($"{Path(at, name)} must be an array, got {Kind(a)}");
        }

        public long Long(JsonElement e, string at, long min, long max)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var v))
            {
                throw Error($"{at} must be an integer, got {Show(e)}");
            }

            return v < min || v > max ? throw Error(Invariant($"{at} must be from {min} to {max}, got {v}")) : v;
        }

        private static string Path(string at, string name) => at == "$" ? name : at + "." + name;

        private JsonElement Get(JsonElement e, string at, string name) =>
            e.TryGetProperty(name, out var v) ? v : throw Error($"{at}.{name} is required");

        private string String(JsonElement e, string at) =>
            e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())
                ? e.GetString()!
                : throw Error($"{at} must be a non-empty string, got {Show(e)}");

        private string[] Strings(JsonElement e, string at) =>
            e.ValueKind == JsonValueKind.Array
                ? [.. e.EnumerateArray().Select((x, i) => String(x, $"{at}[{i}]"))]
                : throw Error($"{at} must be an array of names, got {Kind(e)}");

        private bool Bool(JsonElement e, string at) =>
            e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw Error($"{at} must be true or false, got {Show(e)}");

        private double Double(JsonElement e, string at, double min, double max)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v))
            {
                throw Error($"{at} must be a number, got {Show(e)}");
            }

            return v < min || v > max ? throw Error(Invariant($"{at} must be from {min} to {max}, got {v}")) : v;
        }

        private double Opt(JsonElement e, string name, double fallback, string at, bool integer = false)
        {
            if (!e.TryGetProperty(name, out var v))
            {
                return fallback;
            }

            return integer ? Long(v, $"{at}.{name}", 0, long.MaxValue / 4) : Double(v, $"{at}.{name}", 0, double.MaxValue);
        }

        private UsageException Error(string message) => new($"{source}: {message}");

        private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

        private static string Show(JsonElement e)
        {
            var raw = e.GetRawText();
            return $"{Kind(e)} {(raw.Length > 40 ? raw[..40] + "..." : raw)}";
        }

        private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    }
}
