using System.Net;
using Ftp.Embedded.Internal.Configuration;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Configuration;

/// <summary>What the start checks before it binds anything: endpoints listed twice, names two logins would claim.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public void The_same_endpoint_twice_is_reported_with_both_keys()
    {
        var options = Options("127.0.0.1:3101", "127.0.0.1:3101");
        Failures(options).Should().Equal(
            "Ftp:Endpoints:1 127.0.0.1:3101 is also Ftp:Endpoints:0: a port can be listened on once; remove the duplicate, or give each endpoint its own port.");
    }

    [Fact]
    public void An_implicit_TLS_endpoint_on_a_control_endpoint_is_reported()
    {
        var options = Options("127.0.0.1:3160");
        options.Tls.Certificate = Ftp.Embedded.FunctionalTests.Infrastructure.TestCertificate.Instance;
        options.Tls.ImplicitEndpoints.Add(IPEndPoint.Parse("127.0.0.1:3160"));
        Failures(options).Should().Equal(
            "Ftp:Tls:ImplicitEndpoints:0 127.0.0.1:3160 is also Ftp:Endpoints:0: a port can be listened on once; remove the duplicate, or give each endpoint its own port.");
    }

    [Fact]
    public void A_wildcard_beside_a_specific_address_of_its_family_on_the_same_port_is_reported()
    {
        Failures(Options("0.0.0.0:2121", "127.0.0.1:2121")).Should().Equal(
            "Ftp:Endpoints:1 127.0.0.1:2121 overlaps Ftp:Endpoints:0 0.0.0.0:2121: a wildcard address listens on every address of its family, so both would bind the same port. Keep one of them, or give them different ports.");
        Failures(Options("[::1]:2121", "[::]:2121")).Should().ContainSingle().Which.Should().StartWith("Ftp:Endpoints:1 [::]:2121 overlaps Ftp:Endpoints:0 [::1]:2121");
    }

    [Fact]
    public void Distinct_endpoints_and_port_zero_are_fine()
    {
        Failures(Options("0.0.0.0:2121", "[::]:2121", "127.0.0.1:2122", "127.0.0.2:2122", "127.0.0.1:0", "127.0.0.1:0")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("FTP")]
    public async Task A_local_user_with_an_anonymous_name_fails_the_start(string name)
    {
        var users = new FtpLocalUserOptions();
        users.Add("alice", FtpPasswordHasher.Hash("a"), "/");
        users.Add(name, FtpPasswordHasher.Hash("pw"), "/");
        await using var server = FtpServer.Create(Options("127.0.0.1:0"), new InMemoryFileSystemProvider(new InMemoryFileSystem()),
            [new AnonymousAuthenticator(Microsoft.Extensions.Options.Options.Create(new FtpAnonymousOptions())),
             new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users))]);
        var start = () => server.StartAsync(CancellationToken.None);
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Be(
            $"Ftp:Users:1 ({name}): '{name}' is also an anonymous user name (Ftp:Anonymous:UserNames), so anonymous login and this user would claim the same name. Rename the user, or remove the name from Ftp:Anonymous:UserNames.");
        server.EndPoints.Should().BeEmpty();
    }

    [Fact]
    public async Task Local_users_without_anonymous_login_may_use_any_name()
    {
        var users = new FtpLocalUserOptions();
        users.Add("anonymous", FtpPasswordHasher.Hash("pw"), "/");
        await using var server = FtpServer.Create(Options("127.0.0.1:0"), new InMemoryFileSystemProvider(new InMemoryFileSystem()),
            [new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users))]);
        await server.StartAsync(CancellationToken.None);
        server.EndPoints.Should().ContainSingle();
    }

    private static FtpServerOptions Options(params string[] endPoints)
    {
        var options = new FtpServerOptions();
        foreach (var endPoint in endPoints)
        {
            options.Endpoints.Add(IPEndPoint.Parse(endPoint));
        }

        return options;
    }

    private static IEnumerable<string> Failures(FtpServerOptions options)
        => new FtpServerOptionsValidator().Validate(null, options).Failures ?? [];
}
