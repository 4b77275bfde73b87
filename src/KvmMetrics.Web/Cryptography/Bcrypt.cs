using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace KvmMetrics.Web.Cryptography;

/// <summary>
/// bcrypt through libxcrypt's <c>crypt_r</c> and <c>crypt_gensalt_rn</c> in <c>libcrypt.so.1</c>
/// (Debian, Ubuntu and RHEL ship it; it handles <c>$2a$</c>, <c>$2b$</c> and <c>$2y$</c>). No
/// cryptography is implemented here: this class only marshals strings and compares in constant time.
/// </summary>
public static partial class Bcrypt
{
    private const string Library = "libcrypt.so.1";

    // sizeof(struct crypt_data) in libxcrypt (crypt.h: CRYPT_DATA_INTERNAL_SIZE + output/setting/input = 32768).
    private const int CryptDataSize = 32768;

    private static readonly Lazy<bool> AvailableLazy = new(Probe);

    /// <summary>True when libcrypt.so.1 can be loaded and computes bcrypt.</summary>
    public static bool IsAvailable => AvailableLazy.Value;

    /// <summary>True when <paramref name="hash"/> has the shape of a bcrypt hash (<c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c>, cost 04-31, 53 characters of salt and digest).</summary>
    public static bool LooksLikeBcrypt(string? hash)
    {
        if (hash is null || hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
        {
            return false;
        }

        if (hash[2] is not ('a' or 'b' or 'y') || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]))
        {
            return false;
        }

        var cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        if (cost is < 4 or > 31)
        {
            return false;
        }

        foreach (var c in hash.AsSpan(7))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '.' && c != '/')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="hash"/>. A malformed hash, a
    /// password with a NUL character, or a library failure gives false (never an exception on input).
    /// </summary>
    /// <exception cref="DllNotFoundException">libcrypt.so.1 is not installed.</exception>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(hash);
        if (!LooksLikeBcrypt(hash) || password.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var computed = Crypt(password, hash);
        if (computed is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(computed, Encoding.ASCII.GetBytes(hash));
    }

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt (<c>$2b$</c>, <paramref name="cost"/> 4-31).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The cost is outside 4-31.</exception>
    /// <exception cref="ArgumentException">The password contains a NUL character.</exception>
    /// <exception cref="CryptographicException">libcrypt failed.</exception>
    public static string Hash(string password, int cost = 10)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cost, 31);
        if (password.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A password cannot contain a NUL character.", nameof(password));
        }

        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var setting = new byte[128];
        unsafe
        {
            fixed (byte* prefix = "$2b$\0"u8)
            fixed (byte* rbytes = random)
            fixed (byte* output = setting)
            {
                if (crypt_gensalt_rn(prefix, (nuint)cost, rbytes, random.Length, output, setting.Length) == null)
                {
                    throw new CryptographicException("crypt_gensalt_rn failed for $2b$.");
                }
            }
        }

        var settingText = Encoding.ASCII.GetString(setting, 0, Array.IndexOf(setting, (byte)0));
        var result = Crypt(password, settingText) ?? throw new CryptographicException("crypt_r failed for $2b$.");
        return Encoding.ASCII.GetString(result);
    }

    private static unsafe byte[]? Crypt(string password, string setting)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password + "\0");
        var settingBytes = Encoding.ASCII.GetBytes(setting + "\0");
        var data = (byte*)NativeMemory.AllocZeroed(CryptDataSize);
        try
        {
            fixed (byte* phrase = passwordBytes)
            fixed (byte* s = settingBytes)
            {
                var result = crypt_r(phrase, s, data);

                // libxcrypt returns NULL or a "*0"/"*1" failure token on error.
                if (result == null || result[0] == (byte)'*')
                {
                    return null;
                }

                return new ReadOnlySpan<byte>(result, checked((int)MemoryMarshalStrlen(result))).ToArray();
            }
        }
        finally
        {
            // The work area held the password: wipe before freeing.
            new Span<byte>(data, CryptDataSize).Clear();
            NativeMemory.Free(data);
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static unsafe nuint MemoryMarshalStrlen(byte* s)
    {
        nuint n = 0;
        while (s[n] != 0)
        {
            n++;
        }

        return n;
    }

    private static bool Probe()
    {
        try
        {
            // A known vector: "U*U" with this salt (OpenBSD bcrypt test set).
            return Verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport(Library)]
    private static unsafe partial byte* crypt_r(byte* phrase, byte* setting, byte* data);

    [LibraryImport(Library)]
    private static unsafe partial byte* crypt_gensalt_rn(byte* prefix, nuint count, byte* rbytes, int nrbytes, byte* output, int outputSize);
}
