namespace KvmMetrics.Options;

/// <summary>
/// Checks of input and output paths done while the options are read, so that a wrong path stops a command with
/// one line before any work starts. Relative paths resolve against the process's working directory, which is
/// the caller's (the hosts set <c>RunWorkingDirectory</c> so that <c>dotnet run</c> keeps it too).
/// </summary>
public static class PathChecks
{
    /// <summary>Null when <paramref name="path"/> is a readable file; otherwise the problem.</summary>
    public static string? Readable(string path, out string? fullPath)
    {
        fullPath = Full(path, out var problem);
        if (fullPath is null)
        {
            return problem;
        }

        if (Directory.Exists(fullPath))
        {
            return $"is a directory ({fullPath}); give a file";
        }

        if (!File.Exists(fullPath))
        {
            return $"does not exist ({fullPath}); check the path";
        }

        try
        {
            using var _ = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message}); fix its permissions";
        }
    }

    /// <summary>Null when a file can be written at <paramref name="path"/> (its directory is created when missing).</summary>
    public static string? WritableFile(string path, out string? fullPath)
    {
        fullPath = Full(path, out var problem);
        if (fullPath is null)
        {
            return problem;
        }

        if (Directory.Exists(fullPath))
        {
            return $"is an existing directory ({fullPath}); give a file name";
        }

        return WritableParent(Path.GetDirectoryName(fullPath) ?? "/");
    }

    /// <summary>Null when <paramref name="path"/> is, or can be created as, a writable directory.</summary>
    public static string? WritableDirectory(string path, out string? fullPath)
    {
        fullPath = Full(path, out var problem);
        if (fullPath is null)
        {
            return problem;
        }

        if (File.Exists(fullPath))
        {
            return $"exists and is not a directory ({fullPath}); give a directory or a new path";
        }

        return WritableParent(fullPath);
    }

    private static string? Full(string path, out string? problem)
    {
        problem = null;
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem = "is not a usable path";
            return null;
        }
    }

    // The nearest existing ancestor must be a directory we can create files in; probing with a real file is the
    // only check that also holds for root, read-only mounts and ACLs (access(2) answers for the real uid only).
    private static string? WritableParent(string directory)
    {
        var existing = directory;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"cannot be created: {existing} is a file, not a directory";
            }

            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return $"cannot be created under {directory}";
            }

            existing = parent;
        }

        var probe = Path.Combine(existing, $".kvm-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var _ = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"is not writable: cannot create files in {existing} ({e.Message}); choose another path or fix the permissions";
        }
    }
}
