using Xunit;

namespace KvmMetrics.TestSupport.Http;

/// <summary>The check of the path-traversal tests: neither host serves files, so no answer may carry file content.</summary>
public static class FileLeak
{
    /// <summary>Fails when the answer is a server error or holds content of /etc/passwd (or a shell path from it).</summary>
    public static void AssertNone(RawHttp.Response r, string what)
    {
        ArgumentNullException.ThrowIfNull(r);
        Assert.True(r.Status is > 0 and < 500, $"{what}: status {r.Status}");
        Assert.DoesNotContain("root:x:0:0", r.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("/bin/bash", r.Body, StringComparison.Ordinal);
    }
}
