using System.Text;
using KvmMetrics.TestSupport;
using KvmMetrics.Web.Cryptography;
using KvmMetrics.Web.Security;
using KvmMetrics.Web.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Web.Tests.Security;

public class BasicAuthenticatorTests
{
    private static readonly Lazy<string> AliceHash = new(() => Bcrypt.Hash("alice-pw", cost: 4));

    private static BasicAuthenticator Create(FakeTimeProvider time)
    {
        Requirements.Require(Bcrypt.IsAvailable, "libcrypt.so.1 (libxcrypt) with bcrypt");
        return new BasicAuthenticator(new Dictionary<string, string> { ["alice"] = AliceHash.Value }, time);
    }

    [SkippableFact]
    public void Verify_SecondSuccess_IsServedFromCacheUntilItExpires()
    {
        var time = new FakeTimeProvider();
        var auth = Create(time);

        Assert.True(auth.Verify("alice", "alice-pw"));
        Assert.True(auth.Verify("alice", "alice-pw"));
        Assert.Equal(1, auth.BcryptRuns);

        time.Advance(BasicAuthenticator.CacheDuration + TimeSpan.FromSeconds(1));
        Assert.True(auth.Verify("alice", "alice-pw"));
        Assert.Equal(2, auth.BcryptRuns);
    }

    [SkippableFact]
    public void Verify_WrongPassword_IsRejectedAndNeverCached()
    {
        var auth = Create(new FakeTimeProvider());

        Assert.True(auth.Verify("alice", "alice-pw"));
        Assert.False(auth.Verify("alice", "alice-pw2"));
        Assert.False(auth.Verify("alice", "alice-pw2"));
        Assert.Equal(3, auth.BcryptRuns);
    }

    [SkippableFact]
    public void Verify_UnknownUser_IsRejectedAfterADummyBcryptRun()
    {
        var auth = Create(new FakeTimeProvider());

        Assert.False(auth.Verify("mallory", "alice-pw"));
        Assert.Equal(1, auth.BcryptRuns);
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!!notbase64")]
    [InlineData("Basic bm9jb2xvbg==")] // "nocolon"
    public void VerifyHeader_Malformed_IsFalse(string? header)
    {
        var auth = Create(new FakeTimeProvider());

        Assert.False(auth.VerifyHeader(header, out _));
    }

    [SkippableFact]
    public void VerifyHeader_ValidBasic_ReturnsUser()
    {
        var auth = Create(new FakeTimeProvider());
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:alice-pw"));

        Assert.True(auth.VerifyHeader(header, out var user));
        Assert.Equal("alice", user);
    }
}
