using KvmMetrics.Cgroups.Parsing;

namespace KvmMetrics.Cgroups.Reading;

/// <summary>Reads one cgroup file and parses it, turning every I/O outcome into a <see cref="ParseResult{T}"/>.</summary>
public static class CgroupFileReader
{
    // cgroup files are small (memory.stat is the largest, ~1.5 KiB); a larger file is not a kernel file.
    private const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Reads <paramref name="path"/> and parses it with <paramref name="parser"/>. A missing file (or
    /// directory: the domain stopped) is <see cref="CgroupFileStatus.Absent"/>; other I/O errors are
    /// <see cref="CgroupFileStatus.Unreadable"/>; a parser exception (a bug) becomes <see cref="CgroupFileStatus.Malformed"/>.
    /// </summary>
    public static ParseResult<T> Read<T>(string path, Func<string, ParseResult<T>> parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        string content;
        try
        {
            content = ReadSmallFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ParseResult<T>.Absent();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return ParseResult<T>.Unreadable(e.Message);
        }

        try
        {
            return parser(content);
        }
#pragma warning disable CA1031 // A parser bug must degrade to "bad file", never take the scrape down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ParseResult<T>.Malformed("parser failed: " + e.GetType().Name);
        }
    }

    // sysfs/cgroupfs report a size of 4096 or 0 whatever the content, so read until EOF.
    private static string ReadSmallFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[8192];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxBytes)
                {
                    throw new IOException($"{path} is larger than {MaxBytes} bytes; not a cgroup file");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }
}
