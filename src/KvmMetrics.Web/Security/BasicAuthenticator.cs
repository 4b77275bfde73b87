using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using KvmMetrics.Web.Cryptography;

namespace KvmMetrics.Web.Security;

/// <summary>
/// Checks HTTP basic-auth credentials against bcrypt hashes (the <c>basic_auth_users</c> of the
/// exporter-toolkit web config). bcrypt costs 50-100 ms per check, so a successful check is cached
/// by (user, SHA-256 of the password) for <see cref="CacheDuration"/>; the password itself is never
/// stored. Unknown users still cost one bcrypt run so timing does not reveal which users exist.
/// </summary>
public sealed class BasicAuthenticator
{
    /// <summary>How long a successful verification is remembered.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(1);

    private const int MaxCacheEntries = 1024;

    // A valid hash of a random password: verifying against it costs what a real check costs.
    private const string DummyHash = "$2b$10$kvmmetricsdummysaltxxuTmRMh.pjcPoExD8oG2.141g.qZgHQsS";

    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<CacheKey, long> _cache = new();

    /// <summary>Creates an authenticator for <paramref name="users"/> (user name → bcrypt hash).</summary>
    public BasicAuthenticator(IReadOnlyDictionary<string, string> users, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _users = new Dictionary<string, string>(users, StringComparer.Ordinal);
        _time = timeProvider;
    }

    /// <summary>True when no users are configured (authentication disabled).</summary>
    public bool IsEmpty => _users.Count == 0;

    /// <summary>Number of bcrypt computations done so far (for tests and self-metrics).</summary>
    public long BcryptRuns => Interlocked.Read(ref _bcryptRuns);

    private long _bcryptRuns;

    /// <summary>True when <paramref name="user"/> exists and <paramref name="password"/> matches its hash.</summary>
    public bool Verify(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var key = new CacheKey(user, Sha256(password));
        var now = _time.GetTimestamp();
        if (_cache.TryGetValue(key, out var expires) && now < expires)
        {
            return true;
        }

        Interlocked.Increment(ref _bcryptRuns);
        if (!_users.TryGetValue(user, out var hash))
        {
            _ = Bcrypt.Verify(password, DummyHash);
            return false;
        }

        if (!Bcrypt.Verify(password, hash))
        {
            return false;
        }

        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        _cache[key] = now + (long)(CacheDuration.TotalSeconds * _time.TimestampFrequency);
        return true;
    }

    /// <summary>
    /// Parses an <c>Authorization: Basic ...</c> header value and verifies it. Malformed headers give false.
    /// </summary>
    public bool VerifyHeader(string? authorization, out string? user)
    {
        user = null;
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 4096)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = decoded[..colon];
        return Verify(user, decoded[(colon + 1)..]);
    }

    private static string Sha256(string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Convert.ToHexString(SHA256.HashData(bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private readonly record struct CacheKey(string User, string PasswordSha256);
}
