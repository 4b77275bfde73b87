using System.Text.Json;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Analyzer.Planning;

/// <summary>Loads and saves the planner's cooldown state; a missing file is a first run, a corrupt one is reported and rebuilt.</summary>
public static class PlannerStateFile
{
    /// <summary>Default state path for an output file: <c>P.json</c> → <c>P.state.json</c> in the same directory.</summary>
    public static string DefaultPathFor(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var dir = Path.GetDirectoryName(output) ?? "";
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(output) + ".state.json");
    }

    /// <summary>Reads the state; <paramref name="warning"/> is set when the file existed but could not be used.</summary>
    public static PlannerState Load(string path, out string? warning)
    {
        warning = null;
        if (!File.Exists(path))
        {
            return PlannerState.Empty;
        }

        try
        {
            var state = JsonSerializer.Deserialize<PlannerState>(File.ReadAllText(path), AnalysisJson.Options);
            if (state?.Migrations is null || state.Migrations.Any(m => m is null || string.IsNullOrEmpty(m.Vm) || m.From is null || m.To is null))
            {
                warning = $"state file '{path}' has no valid 'migrations' list; starting with an empty state (cooldowns forgotten)";
                return PlannerState.Empty;
            }

            return state;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            warning = $"state file '{path}' could not be read ({e.Message}); starting with an empty state (cooldowns forgotten)";
            return PlannerState.Empty;
        }
    }

    /// <summary>Writes the state atomically.</summary>
    public static void Save(string path, PlannerState state) => AnalysisJson.WriteAtomically(path, AnalysisJson.Serialize(state));
}
