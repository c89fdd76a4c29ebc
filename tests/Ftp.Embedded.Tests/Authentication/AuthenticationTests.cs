using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Authentication;

public class AuthenticationTests
{
    private static readonly FtpSessionInfo Session = new(1, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5000), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 21));

    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = FtpPasswordHasher.Hash("correct horse");
        hash.Should().StartWith("PBKDF2-SHA256$100000$");
        FtpPasswordHasher.Verify("correct horse", hash).Should().BeTrue();
        FtpPasswordHasher.Verify("correct horse ", hash).Should().BeFalse();
        FtpPasswordHasher.Verify("", hash).Should().BeFalse();
        FtpPasswordHasher.IsHash(hash).Should().BeTrue();
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time()
        => FtpPasswordHasher.Hash("pw").Should().NotBe(FtpPasswordHasher.Hash("pw"));

    [Fact]
    public void Unicode_passwords_work() => FtpPasswordHasher.Verify("pässwörd🔑", FtpPasswordHasher.Hash("pässwörd🔑")).Should().BeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("secret")]
    [InlineData("PBKDF2-SHA256$100000$c2FsdHNhbHRzYWx0$")]
    [InlineData("PBKDF2-SHA256$0$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=")]
    [InlineData("PBKDF2-SHA256$99999999$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=")]
    [InlineData("PBKDF2-SHA256$-5$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=")]
    [InlineData("PBKDF2-SHA256$1000$not base64!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=")]
    [InlineData("PBKDF2-SHA1$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=")]
    [InlineData("PBKDF2-SHA256$1000$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=")]
    [InlineData("PBKDF2-SHA256$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==")]
    [InlineData("PBKDF2-SHA256$1000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=$extra")]
    public void Malformed_hashes_never_verify_and_never_throw(string hash)
    {
        FtpPasswordHasher.Verify("secret", hash).Should().BeFalse();
        FtpPasswordHasher.IsHash(hash).Should().BeFalse();
    }

    [Fact]
    public void A_tampered_hash_does_not_verify()
    {
        var hash = FtpPasswordHasher.Hash("pw");
        var parts = hash.Split('$');
        var bytes = Convert.FromBase64String(parts[3]);
        bytes[0] ^= 1;
        parts[3] = Convert.ToBase64String(bytes);
        FtpPasswordHasher.Verify("pw", string.Join('$', parts)).Should().BeFalse();
    }

    [Fact]
    public async Task Local_users_log_in_with_their_password_only()
    {
        var options = new FtpLocalUserOptions().Add("alice", FtpPasswordHasher.Hash("pw"), "/home/alice", FtpPermissions.Read | FtpPermissions.Write);
        var authenticator = new LocalUserAuthenticator(Options.Create(options));
        var user = await authenticator.AuthenticateAsync(new FtpLoginContext("alice", "pw", Session), default);
        user.Should().NotBeNull();
        user!.Name.Should().Be("alice");
        user.HomeDirectory.Should().Be("/home/alice");
        user.Permissions.Should().Be(FtpPermissions.Read | FtpPermissions.Write);
        user.IsAnonymous.Should().BeFalse();
        (await authenticator.AuthenticateAsync(new FtpLoginContext("alice", "PW", Session), default)).Should().BeNull();
        (await authenticator.AuthenticateAsync(new FtpLoginContext("Alice", "pw", Session), default)).Should().BeNull("names are case-sensitive");
        (await authenticator.AuthenticateAsync(new FtpLoginContext("mallory", "pw", Session), default)).Should().BeNull();
        authenticator.IsKnownUser("alice").Should().BeTrue();
        authenticator.IsKnownUser("mallory").Should().BeFalse();
    }

    [Theory]
    [InlineData("anonymous", "guest@example.com")]
    [InlineData("FTP", "")]
    public async Task Anonymous_names_log_in_with_any_password(string name, string password)
    {
        var authenticator = new AnonymousAuthenticator(Options.Create(new FtpAnonymousOptions { UploadDirectory = "/incoming" }));
        var user = await authenticator.AuthenticateAsync(new FtpLoginContext(name, password, Session), default);
        user.Should().NotBeNull();
        user!.IsAnonymous.Should().BeTrue();
        user.HomeDirectory.Should().Be("/pub");
        user.Permissions.Should().Be(FtpPermissions.ReadOnly);
        user.UploadOnlyDirectory.Should().Be("/incoming");
        (await authenticator.AuthenticateAsync(new FtpLoginContext("alice", "x", Session), default)).Should().BeNull();
    }

    [Fact]
    public void Permissions_combine()
    {
        var user = new FtpUser("u", "/", FtpPermissions.Read | FtpPermissions.Rename);
        user.Can(FtpPermissions.Read).Should().BeTrue();
        user.Can(FtpPermissions.Read | FtpPermissions.Rename).Should().BeTrue();
        user.Can(FtpPermissions.Read | FtpPermissions.Write).Should().BeFalse();
    }
}
