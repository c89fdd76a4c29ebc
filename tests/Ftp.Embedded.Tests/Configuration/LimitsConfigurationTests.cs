using System.Net;
using Ftp.Embedded.Internal.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Configuration;

public class LimitsConfigurationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFtpServer().UseInMemoryFileSystem().AddAnonymous().AddLocalUsers();
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1024", 1024L)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("5M", 5L * 1024 * 1024)]
    [InlineData("1.5m", 1536L * 1024)]
    [InlineData("2G", 2L * 1024 * 1024 * 1024)]
    [InlineData(" 64k ", 64L * 1024)]
    [InlineData("fast", null)]
    [InlineData("-5M", null)]
    [InlineData("M", null)]
    [InlineData("5MB", null)]
    [InlineData("99999999999G", null)]
    public void Rates_are_bytes_per_second_with_binary_suffixes(string text, long? expected)
        => FtpConfigurationSetup.ParseRate(text).Should().Be(expected);

    [Fact]
    public void Binds_rates_and_per_user_limits()
    {
        var hash = FtpPasswordHasher.Hash("pw");
        var provider = Build(new()
        {
            ["Ftp:Endpoints:0"] = "127.0.0.1:0",
            ["Ftp:Limits:MaxDownloadRate"] = "10M",
            ["Ftp:Limits:MaxUploadRate"] = "2097152",
            ["Ftp:Anonymous:MaxDownloadRate"] = "512K",
            ["Ftp:Anonymous:MaxUploadRate"] = "64K",
            ["Ftp:Users:0:Name"] = "alice",
            ["Ftp:Users:0:PasswordHash"] = hash,
            ["Ftp:Users:0:MaxDownloadRate"] = "1M",
            ["Ftp:Users:0:MaxUploadRate"] = "256K",
            ["Ftp:Users:0:MaxSessions"] = "3",
            ["Ftp:Users:0:AllowedNetworks:0"] = "10.0.0.0/8",
            ["Ftp:Users:0:AllowedNetworks:1"] = "192.0.2.10",
            ["Ftp:Users:1:Name"] = "bob",
            ["Ftp:Users:1:PasswordHash"] = hash,
            ["Ftp:Users:1:AllowedNetworks"] = "10.0.0.0/8, 2001:db8::/32",
        });

        var limits = provider.GetRequiredService<IOptions<FtpServerOptions>>().Value.Limits;
        limits.MaxDownloadRate.Should().Be(10 * 1024 * 1024);
        limits.MaxUploadRate.Should().Be(2 * 1024 * 1024);
        var anonymous = provider.GetRequiredService<IOptions<FtpAnonymousOptions>>().Value;
        anonymous.MaxDownloadRate.Should().Be(512 * 1024);
        anonymous.MaxUploadRate.Should().Be(64 * 1024);
        var users = provider.GetRequiredService<IOptions<FtpLocalUserOptions>>().Value.Users;
        users[0].MaxDownloadRate.Should().Be(1024 * 1024);
        users[0].MaxUploadRate.Should().Be(256 * 1024);
        users[0].MaxSessions.Should().Be(3);
        users[0].AllowedNetworks.Should().Equal("10.0.0.0/8", "192.0.2.10");
        users[1].AllowedNetworks.Should().Equal("10.0.0.0/8", "2001:db8::/32");
        users[1].MaxSessions.Should().Be(0);
    }

    [Theory]
    [InlineData("Ftp:Limits:MaxDownloadRate", "fast", "Ftp:Limits:MaxDownloadRate = 'fast' is not valid: use bytes per second as a whole number, or with a K, M or G suffix*")]
    [InlineData("Ftp:Limits:MaxUploadRate", "100", "Ftp:Limits:MaxUploadRate = '100' is out of range: MaxUploadRate must be 0 (no limit) or at least 1024 bytes per second.")]
    public void Bad_server_rates_are_reported_with_their_key_and_form(string key, string value, string message)
    {
        var read = () => Build(new() { [key] = value }).GetRequiredService<IOptions<FtpServerOptions>>().Value;
        read.Should().Throw<OptionsValidationException>().WithMessage(message);
    }

    [Fact]
    public void Per_user_limits_are_validated_with_messages_that_say_what_to_fix()
    {
        var options = new FtpLocalUserOptions();
        var user = new FtpLocalUser { Name = "alice", PasswordHash = FtpPasswordHasher.Hash("x"), MaxDownloadRate = 100, MaxUploadRate = -1, MaxSessions = -2 };
        user.AllowedNetworks.Add("10.0.0.0/33");
        user.AllowedNetworks.Add("127.0.0.1");
        options.Users.Add(user);
        new FtpLocalUserOptionsValidator().Validate(null, options).Failures.Should().BeEquivalentTo(
            "Ftp:Users:0 (alice): MaxDownloadRate 100 is too low: give 0 (no limit) or at least 1024 bytes per second.",
            "Ftp:Users:0 (alice): MaxUploadRate -1 is too low: give 0 (no limit) or at least 1024 bytes per second.",
            "Ftp:Users:0 (alice): MaxSessions -2 is negative: give 0 (no limit) or the most sessions the user may hold at once.",
            "Ftp:Users:0 (alice): AllowedNetworks:0 '10.0.0.0/33' is not an address or network: give a CIDR such as \"10.0.0.0/8\" or \"2001:db8::/32\", or one address such as \"192.0.2.10\".");

        new FtpAnonymousOptionsValidator().Validate(null, new FtpAnonymousOptions { MaxUploadRate = 10 }).Failures.Should().Equal(
            "Ftp:Anonymous:MaxUploadRate 10 is too low: give 0 (no limit) or at least 1024 bytes per second.");
    }

    [Fact]
    public void Rates_and_session_limits_are_checked_where_they_are_set()
    {
        var limits = new FtpServerLimits();
        FluentActions.Invoking(() => limits.MaxDownloadRate = 1023).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("MaxDownloadRate must be 0 (no limit) or at least 1024 bytes per second.*");
        limits.MaxDownloadRate = 1024;
        limits.MaxUploadRate = 0;
        FluentActions.Invoking(() => new FtpUser("a", "/", FtpPermissions.All) { MaxUploadRate = 5 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FtpUser("a", "/", FtpPermissions.All) { MaxSessions = -1 }).Should().Throw<ArgumentOutOfRangeException>();
        new FtpUser("a", "/", FtpPermissions.All).AllowedNetworks.Should().BeEmpty();
        new FtpUser("a", "/", FtpPermissions.All) { AllowedNetworks = [IPNetwork.Parse("::ffff:10.0.0.0/104"), IPNetwork.Parse("2001:db8::/32")] }
            .AllowedNetworks.Should().Equal(IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("2001:db8::/32"));
    }

    [Fact]
    public async Task Local_users_log_in_with_their_limits_and_a_bad_network_never_opens_the_account()
    {
        var hash = FtpPasswordHasher.Hash("pw");
        var options = new FtpLocalUserOptions();
        var alice = new FtpLocalUser { Name = "alice", PasswordHash = hash, MaxDownloadRate = 2048, MaxUploadRate = 4096, MaxSessions = 2 };
        alice.AllowedNetworks.Add("10.0.0.0/8");
        alice.AllowedNetworks.Add("::ffff:192.0.2.0/120");
        var typo = new FtpLocalUser { Name = "typo", PasswordHash = hash };
        typo.AllowedNetworks.Add("10.0.0.0/8x");
        options.Users.Add(alice);
        options.Users.Add(typo);
        var authenticator = new LocalUserAuthenticator(Options.Create(options));
        var session = new FtpSessionInfo(1, new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 21));

        var user = await authenticator.AuthenticateAsync(new FtpLoginContext("alice", "pw", session), CancellationToken.None);
        user!.MaxDownloadRate.Should().Be(2048);
        user.MaxUploadRate.Should().Be(4096);
        user.MaxSessions.Should().Be(2);
        user.AllowedNetworks.Should().Equal(IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.0.2.0/24"));
        (await authenticator.AuthenticateAsync(new FtpLoginContext("typo", "pw", session), CancellationToken.None)).Should().BeNull();

        var anonymous = new AnonymousAuthenticator(Options.Create(new FtpAnonymousOptions { MaxDownloadRate = 8192, MaxUploadRate = 1024 }));
        var guest = await anonymous.AuthenticateAsync(new FtpLoginContext("ftp", "me@example.com", session), CancellationToken.None);
        (guest!.MaxDownloadRate, guest.MaxUploadRate).Should().Be((8192L, 1024L));
    }
}
