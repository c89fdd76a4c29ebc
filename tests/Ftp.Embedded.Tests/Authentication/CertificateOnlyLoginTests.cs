namespace Ftp.Embedded.Tests.Authentication;

/// <summary>LocalUserAuthenticator and certificate-only logins (the engine has checked the certificate's mapping).</summary>
public sealed class CertificateOnlyLoginTests
{
    private static readonly FtpSessionInfo Session = new(1, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5000), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 21));

    private static LocalUserAuthenticator Authenticator()
    {
        var options = new FtpLocalUserOptions().Add("alice", FtpPasswordHasher.Hash("pw"), "/home/alice", FtpPermissions.Read);
        options.Users[0].MaxSessions = 2;
        options.Users[0].AllowedNetworks.Add("10.0.0.0/8");
        return new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(options));
    }

    [Fact]
    public async Task A_certificate_only_login_returns_the_user_with_its_limits_and_networks()
    {
        var user = await Authenticator().AuthenticateAsync(new FtpLoginContext("alice", "", Session) { AuthenticatedByCertificate = true }, default);
        user.Should().NotBeNull();
        user!.HomeDirectory.Should().Be("/home/alice");
        user.Permissions.Should().Be(FtpPermissions.Read);
        user.MaxSessions.Should().Be(2);
        user.AllowedNetworks.Should().Equal(System.Net.IPNetwork.Parse("10.0.0.0/8"));
    }

    [Fact]
    public async Task Without_the_certificate_an_empty_password_and_unknown_names_are_refused()
    {
        var authenticator = Authenticator();
        (await authenticator.AuthenticateAsync(new FtpLoginContext("alice", "", Session), default)).Should().BeNull();
        (await authenticator.AuthenticateAsync(new FtpLoginContext("mallory", "", Session) { AuthenticatedByCertificate = true }, default)).Should().BeNull();
    }
}
