using System.Net;
using Ftp.Embedded.Internal.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Configuration;

public class ConfigurationBindingTests
{
    private static ServiceProvider Build(Dictionary<string, string?> values, Action<IFtpServerBuilder>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        var builder = services.AddFtpServer().UseInMemoryFileSystem();
        configure?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Binds_every_server_option()
    {
        var options = Build(new()
        {
            ["Ftp:Endpoints:0"] = "0.0.0.0:21",
            ["Ftp:Endpoints:1"] = "[::1]:2121",
            ["Ftp:Greeting"] = "Hello",
            ["Ftp:Hosts:0"] = "ftp.example.com",
            ["Ftp:Limits:MaxLineLength"] = "8192",
            ["Ftp:Limits:MaxPathLength"] = "2048",
            ["Ftp:Limits:IdleTimeout"] = "120",
            ["Ftp:Limits:LoginTimeout"] = "00:00:30",
            ["Ftp:Limits:DataConnectTimeout"] = "15",
            ["Ftp:Limits:DataStallTimeout"] = "45",
            ["Ftp:Limits:FailedLoginDelay"] = "0.5",
            ["Ftp:Limits:MaxFailedLogins"] = "5",
            ["Ftp:Limits:MaxSessions"] = "10",
            ["Ftp:Limits:MaxSessionsPerIp"] = "3",
            ["Ftp:Limits:ShutdownTimeout"] = "5",
            ["Ftp:Limits:ReplyTimeout"] = "20",
            ["Ftp:Security:Ban:Enabled"] = "true",
            ["Ftp:Security:Ban:MaxFailures"] = "7",
            ["Ftp:Security:Ban:Window"] = "00:05:00",
            ["Ftp:Security:Ban:Duration"] = "3600",
            ["Ftp:Security:Ban:MaxTrackedAddresses"] = "500",
            ["Ftp:Passive:PortRange"] = "50000-50100",
            ["Ftp:Passive:PublicAddress"] = "203.0.113.7",
            ["Ftp:Active:Enabled"] = "false",
            ["Ftp:Active:AllowThirdPartyTargets"] = "true",
            ["Ftp:Active:UsePort20"] = "true",
            ["Ftp:Uploads:Atomic"] = "false",
            ["Ftp:AllowModeZ"] = "false",
            ["Ftp:AllowSiteChmod"] = "false",
        }).GetRequiredService<IOptions<FtpServerOptions>>().Value;

        options.Endpoints.Should().Equal(IPEndPoint.Parse("0.0.0.0:21"), IPEndPoint.Parse("[::1]:2121"));
        options.Greeting.Should().Be("Hello");
        options.Hosts.Should().Equal("ftp.example.com");
        options.Limits.MaxLineLength.Should().Be(8192);
        options.Limits.MaxPathLength.Should().Be(2048);
        options.Limits.IdleTimeout.Should().Be(TimeSpan.FromMinutes(2));
        options.Limits.LoginTimeout.Should().Be(TimeSpan.FromSeconds(30));
        options.Limits.DataConnectTimeout.Should().Be(TimeSpan.FromSeconds(15));
        options.Limits.DataStallTimeout.Should().Be(TimeSpan.FromSeconds(45));
        options.Limits.FailedLoginDelay.Should().Be(TimeSpan.FromMilliseconds(500));
        options.Limits.MaxFailedLogins.Should().Be(5);
        options.Limits.MaxSessions.Should().Be(10);
        options.Limits.MaxSessionsPerIp.Should().Be(3);
        options.Limits.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.Limits.ReplyTimeout.Should().Be(TimeSpan.FromSeconds(20));
        options.Security.Ban.Enabled.Should().BeTrue();
        options.Security.Ban.MaxFailures.Should().Be(7);
        options.Security.Ban.Window.Should().Be(TimeSpan.FromMinutes(5));
        options.Security.Ban.Duration.Should().Be(TimeSpan.FromHours(1));
        options.Security.Ban.MaxTrackedAddresses.Should().Be(500);
        options.Passive.PortRange.Should().Be(new FtpPortRange(50000, 50100));
        options.Passive.PublicAddress.Should().Be(IPAddress.Parse("203.0.113.7"));
        options.Active.Enabled.Should().BeFalse();
        options.Active.AllowThirdPartyTargets.Should().BeTrue();
        options.Active.UsePort20.Should().BeTrue();
        options.Uploads.Atomic.Should().BeFalse();
        options.AllowModeZ.Should().BeFalse();
        options.AllowSiteChmod.Should().BeFalse();
    }

    [Fact]
    public void Binds_the_TLS_section()
    {
        var certificate = Path.GetTempFileName();
        try
        {
            var options = Build(new()
            {
                ["Ftp:Endpoints:0"] = "127.0.0.1:0",
                ["Ftp:Tls:CertificatePath"] = certificate,
                ["Ftp:Tls:KeyPath"] = certificate,
                ["Ftp:Tls:CertificatePassword"] = "pw",
                ["Ftp:Tls:RequireForLogin"] = "true",
                ["Ftp:Tls:RequireForData"] = "true",
                ["Ftp:Tls:RequireForAnonymous"] = "true",
                ["Ftp:Tls:ImplicitEndpoints:0"] = "0.0.0.0:990",
                ["Ftp:Limits:TlsHandshakeTimeout"] = "5",
            }).GetRequiredService<IOptions<FtpServerOptions>>().Value;
            options.Tls.CertificatePath.Should().Be(certificate);
            options.Tls.KeyPath.Should().Be(certificate);
            options.Tls.CertificatePassword.Should().Be("pw");
            options.Tls.RequireForLogin.Should().BeTrue();
            options.Tls.RequireForData.Should().BeTrue();
            options.Tls.RequireForAnonymous.Should().BeTrue();
            options.Tls.ImplicitEndpoints.Should().Equal(IPEndPoint.Parse("0.0.0.0:990"));
            options.Limits.TlsHandshakeTimeout.Should().Be(TimeSpan.FromSeconds(5));
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Fact]
    public void TLS_settings_without_a_usable_certificate_are_reported()
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Tls.RequireForLogin = true;
        new FtpServerOptionsValidator().Validate(null, options).Failures.Should().ContainSingle().Which.Should().Contain("no certificate");
        options.Tls.CertificatePath = "/nonexistent/server.pfx";
        new FtpServerOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Be("Ftp:Tls:CertificatePath '/nonexistent/server.pfx' does not exist: give a PFX or PEM certificate file.");
    }

    [Fact]
    public void Code_runs_after_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Ftp:Greeting"] = "from config", ["Ftp:Endpoints:0"] = "127.0.0.1:0" }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFtpServer(o => o.Greeting = "from code");
        services.BuildServiceProvider().GetRequiredService<IOptions<FtpServerOptions>>().Value.Greeting.Should().Be("from code");
    }

    [Theory]
    [InlineData("Ftp:Endpoints:0", "localhost:21", "Ftp:Endpoints:0 = 'localhost:21' is not valid: use an address and port*")]
    [InlineData("Ftp:Endpoints:0", "127.0.0.1", "*address and port*")]
    [InlineData("Ftp:Limits:IdleTimeout", "abc", "Ftp:Limits:IdleTimeout = 'abc' is not valid: use seconds (300) or hh:mm:ss (00:05:00).")]
    [InlineData("Ftp:Limits:MaxSessions", "many", "Ftp:Limits:MaxSessions = 'many' is not valid: use a whole number.")]
    [InlineData("Ftp:Limits:MaxSessions", "0", "Ftp:Limits:MaxSessions = '0' is out of range: FtpServerLimits.MaxSessions must be between 1 and 10000000.")]
    [InlineData("Ftp:Limits:MaxLineLength", "10", "*out of range*MaxLineLength must be between 64*")]
    [InlineData("Ftp:Passive:PortRange", "50100-50000", "Ftp:Passive:PortRange = '50100-50000' is not valid: use FROM-TO*")]
    [InlineData("Ftp:Passive:PortRange", "50000", "*FROM-TO*")]
    [InlineData("Ftp:Passive:PublicAddress", "nat.example.com", "*an IP address*")]
    [InlineData("Ftp:Active:Enabled", "yes", "Ftp:Active:Enabled = 'yes' is not valid: use true or false.")]
    [InlineData("Ftp:AllowModeZ", "on", "Ftp:AllowModeZ = 'on' is not valid: use true or false.")]
    public void Bad_values_are_reported_with_their_key_and_form(string key, string value, string message)
    {
        var provider = Build(new() { [key] = value });
        var read = () => provider.GetRequiredService<IOptions<FtpServerOptions>>().Value;
        read.Should().Throw<OptionsValidationException>().WithMessage(message);
    }

    [Fact]
    public void Binds_users_and_anonymous_settings()
    {
        var hash = FtpPasswordHasher.Hash("pw");
        var provider = Build(new()
        {
            ["Ftp:Users:0:Name"] = "alice",
            ["Ftp:Users:0:PasswordHash"] = hash,
            ["Ftp:Users:0:HomeDirectory"] = "/home/alice",
            ["Ftp:Users:1:Name"] = "bob",
            ["Ftp:Users:1:PasswordHash"] = hash,
            ["Ftp:Users:1:Home"] = "/home/bob",
            ["Ftp:Users:1:Permissions"] = "Read, Write",
            ["Ftp:Anonymous:UserNames:0"] = "guest",
            ["Ftp:Anonymous:HomeDirectory"] = "/public",
            ["Ftp:Anonymous:Permissions"] = "ReadOnly",
            ["Ftp:Anonymous:UploadDirectory"] = "/incoming",
        }, b => b.AddAnonymous().AddLocalUsers());

        var users = provider.GetRequiredService<IOptions<FtpLocalUserOptions>>().Value.Users;
        users.Should().HaveCount(2);
        users[0].Should().BeEquivalentTo(new FtpLocalUser { Name = "alice", PasswordHash = hash, HomeDirectory = "/home/alice", Permissions = FtpPermissions.All });
        users[1].Permissions.Should().Be(FtpPermissions.Read | FtpPermissions.Write);
        users[1].HomeDirectory.Should().Be("/home/bob");

        var anonymous = provider.GetRequiredService<IOptions<FtpAnonymousOptions>>().Value;
        anonymous.UserNames.Should().Equal("guest");
        anonymous.HomeDirectory.Should().Be("/public");
        anonymous.UploadDirectory.Should().Be("/incoming");
    }

    [Theory]
    [InlineData("Reed")]
    [InlineData("7")]
    [InlineData("Read,,Bogus")]
    public void Bad_permissions_are_reported(string value)
    {
        var provider = Build(new() { ["Ftp:Users:0:Name"] = "a", ["Ftp:Users:0:Permissions"] = value }, b => b.AddLocalUsers());
        var read = () => provider.GetRequiredService<IOptions<FtpLocalUserOptions>>().Value;
        read.Should().Throw<OptionsValidationException>().WithMessage("Ftp:Users:0:Permissions = '*' is not valid: use a comma-separated list of Read*");
    }

    [Fact]
    public void Users_are_validated_with_messages_that_say_what_to_fix()
    {
        var options = new FtpLocalUserOptions();
        options.Users.Add(new FtpLocalUser { Name = "alice", PasswordHash = "plain-text", HomeDirectory = "home" });
        options.Users.Add(new FtpLocalUser { Name = "alice", PasswordHash = FtpPasswordHasher.Hash("x") });
        options.Users.Add(new FtpLocalUser { Name = "" , PasswordHash = FtpPasswordHasher.Hash("x") });
        var result = new FtpLocalUserOptionsValidator().Validate(null, options);
        result.Failures.Should().BeEquivalentTo(
            "Ftp:Users:0 (alice): PasswordHash is not a hash made by FtpPasswordHasher.Hash(password); create one with FtpPasswordHasher.Hash.",
            "Ftp:Users:0 (alice): HomeDirectory 'home' must be a virtual path starting with '/'.",
            "Ftp:Users:1 (alice): the name appears twice.",
            "Ftp:Users:2 has no Name.");
    }

    [Fact]
    public void Server_options_are_validated()
    {
        var options = new FtpServerOptions { Greeting = "two\r\nlines" };
        options.Hosts.Add(" ");
        new FtpServerOptionsValidator().Validate(null, options).Failures.Should().HaveCount(3)
            .And.Contain(f => f.StartsWith("Ftp:Endpoints is empty"))
            .And.Contain(f => f.StartsWith("Ftp:Greeting must be one line"))
            .And.Contain(f => f.StartsWith("Ftp:Hosts has an empty entry"));
    }

    [Fact]
    public void AddFtpServer_twice_registers_one_server_and_one_hosted_service()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0))).UseInMemoryFileSystem().AddAnonymous().AddAnonymous();
        services.AddFtpServer();
        services.Count(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(FtpServer)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IFtpAuthenticator)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<FtpServer>().Should().BeSameAs(provider.GetRequiredService<FtpServer>());
    }
}
