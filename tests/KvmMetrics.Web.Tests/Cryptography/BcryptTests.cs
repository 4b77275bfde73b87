using KvmMetrics.TestSupport;
using KvmMetrics.Web.Cryptography;

namespace KvmMetrics.Web.Tests.Cryptography;

public class BcryptTests
{
    // OpenBSD's bcrypt test vector ("U*U"); $2y$ and $2b$ give the same digest for ASCII passwords.
    private const string Vector = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    [SkippableFact]
    public void Verify_KnownVector_MatchesOnlyTheRightPassword()
    {
        Requirements.Require(Bcrypt.IsAvailable, "libcrypt.so.1 (libxcrypt) with bcrypt");

        Assert.True(Bcrypt.Verify("U*U", Vector));
        Assert.True(Bcrypt.Verify("U*U", "$2y$" + Vector[4..]));
        Assert.True(Bcrypt.Verify("U*U", "$2b$" + Vector[4..]));
        Assert.False(Bcrypt.Verify("U*V", Vector));
        Assert.False(Bcrypt.Verify("", Vector));
    }

    [SkippableFact]
    public void Hash_ThenVerify_RoundTripsWithFreshSalt()
    {
        Requirements.Require(Bcrypt.IsAvailable, "libcrypt.so.1 (libxcrypt) with bcrypt");

        var a = Bcrypt.Hash("s3cret päss", cost: 4);
        var b = Bcrypt.Hash("s3cret päss", cost: 4);

        Assert.StartsWith("$2b$04$", a, StringComparison.Ordinal);
        Assert.True(Bcrypt.LooksLikeBcrypt(a));
        Assert.NotEqual(a, b);
        Assert.True(Bcrypt.Verify("s3cret päss", a));
        Assert.True(Bcrypt.Verify("s3cret päss", b));
        Assert.False(Bcrypt.Verify("s3cret pass", a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("$1$abcdefgh$abcdefghijklmnopqrstuv")]
    [InlineData("$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe")]
    [InlineData("$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!")]
    public void Verify_MalformedHash_IsFalseNotException(string hash)
    {
        Assert.False(Bcrypt.LooksLikeBcrypt(hash));
        Assert.False(Bcrypt.Verify("U*U", hash));
    }

    [SkippableFact]
    public void Verify_PasswordWithNul_IsFalse()
    {
        Requirements.Require(Bcrypt.IsAvailable, "libcrypt.so.1 (libxcrypt) with bcrypt");

        // C strings stop at NUL: "U*U\0anything" must not pass as "U*U".
        Assert.False(Bcrypt.Verify("U*U\0anything", Vector));
    }
}
