using System.Text.Json;
using KvmMetrics.Analyzer.Planning;

namespace KvmMetrics.Analyzer.State;

/// <summary>
/// JSON state files in the analyzer's data directory, written atomically (temp file + rename). A file
/// that is missing starts empty; one that is corrupt is moved aside as <c>NAME.corrupt</c>, reported
/// (<see cref="Rebuilt"/>, a warning) and rebuilt empty, never a crash.
/// </summary>
public sealed class StateStore
{
    private readonly Dictionary<string, long> _rebuilt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _writeErrors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates the store; the directory is created when missing.</summary>
    public StateStore(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>The data directory.</summary>
    public string Directory { get; }

    /// <summary>Raised with a human-readable message when a file was corrupt and has been rebuilt.</summary>
    public event EventHandler<string>? Problem;

    /// <summary>How many times each file was found corrupt and rebuilt since start.</summary>
    public IReadOnlyDictionary<string, long> Rebuilt
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_rebuilt, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>How many saves of each file failed since start (disk full, read-only); the previous file stays intact.</summary>
    public IReadOnlyDictionary<string, long> WriteErrors
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_writeErrors, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Loads <paramref name="name"/>; null when it does not exist or was corrupt (then it is moved aside and reported).</summary>
    public T? Load<T>(string name)
        where T : class
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            return null;
        }

        string? problem;
        try
        {
            var value = JsonSerializer.Deserialize<T>(File.ReadAllText(path), AnalysisJson.Options);
            if (value is not null)
            {
                return value;
            }

            problem = "it holds JSON null";
        }
        catch (JsonException e)
        {
            problem = e.Message;
        }
        catch (NotSupportedException e)
        {
            problem = e.Message;
        }
        catch (IOException e)
        {
            problem = e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            problem = e.Message;
        }

        lock (_lock)
        {
            _rebuilt[name] = _rebuilt.GetValueOrDefault(name) + 1;
        }

        try
        {
            File.Move(path, path + ".corrupt", overwrite: true);
        }
        catch (IOException)
        {
            // Could not move it aside (read-only dir?): the next save overwrites it anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }

        Problem?.Invoke(this, $"state file {path} was unreadable ({problem}); moved to {name}.corrupt and rebuilt empty");
        return null;
    }

    /// <summary>
    /// Saves <paramref name="value"/> atomically; returns the error message instead of throwing (disk full, read-only)
    /// and counts it in <see cref="WriteErrors"/>. A failed save leaves the previous file as it was.
    /// </summary>
    public string? Save<T>(string name, T value)
    {
        string error;
        try
        {
            AnalysisJson.WriteAtomically(Path.Combine(Directory, name), AnalysisJson.Serialize(value));
            return null;
        }
        catch (IOException e)
        {
            error = $"could not write {Path.Combine(Directory, name)}: {e.Message}";
        }
        catch (UnauthorizedAccessException e)
        {
            error = $"could not write {Path.Combine(Directory, name)}: {e.Message}";
        }

        lock (_lock)
        {
            _writeErrors[name] = _writeErrors.GetValueOrDefault(name) + 1;
        }

        return error;
    }
}
