using Ftp.Embedded.Samples.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>The sample host's --system-users and --system-users-pam-service (logins of real accounts: the interop tests).</summary>
public sealed class SampleHostSystemUserTests
{
    [Fact]
    public void System_users_replace_anonymous_and_keep_each_user_in_its_home()
    {
        var options = SampleOptions.Parse(["--system-users", "--system-users-pam-service", "vsftpd"], TextWriter.Null)!;
        options.SystemUsers.Should().BeTrue();
        options.SystemUsersPamService.Should().Be("vsftpd");
        options.SystemUsersSharedRoot.Should().BeNull();
        options.Anonymous.Should().BeFalse();
    }

    [Fact]
    public void A_root_given_with_system_users_is_their_shared_root()
    {
        SampleOptions.Parse(["--system-users", "--root", "/srv/ftp"], TextWriter.Null)!.SystemUsersSharedRoot.Should().Be("/srv/ftp");
        SampleOptions.Parse(["--root=/srv/ftp", "--system-users"], TextWriter.Null)!.SystemUsersSharedRoot.Should().Be("/srv/ftp");
    }

    [Theory]
    [InlineData(new[] { "--system-users-pam-service", "ftp" }, "--system-users-pam-service needs --system-users.")]
    [InlineData(new[] { "--system-users", "--user", "alice:pw" }, "--system-users lets only the machine's accounts log in: leave out --user and --anonymous.")]
    [InlineData(new[] { "--system-users", "--anonymous" }, "--system-users lets only the machine's accounts log in: leave out --user and --anonymous.")]
    [InlineData(new[] { "--system-users", "--system-users-pam-service" }, "--system-users-pam-service needs a value.")]
    public async Task Contradictions_are_refused_with_a_message(string[] arguments, string message)
    {
        var error = new StringWriter();
        (await SampleServer.RunAsync(arguments, TextWriter.Null, error)).Should().Be(2);
        error.ToString().Trim().Should().Be(message);
    }

    [Fact]
    public async Task Help_lists_the_system_user_options()
    {
        var output = new StringWriter();
        (await SampleServer.RunAsync(["--help"], output, TextWriter.Null)).Should().Be(0);
        output.ToString().Should().Contain("--system-users            the machine's accounts log in (Linux, as root)")
            .And.Contain("--system-users-pam-service NAME");
    }

    [Fact]
    public async Task A_missing_PAM_service_stops_the_start_with_one_line_that_says_what_to_do()
    {
        var error = new StringWriter();
        var code = await SampleServer.RunAsync(["--port", "0", "--system-users", "--system-users-pam-service", "ftp-embedded-no-such-service"], TextWriter.Null, error);
        code.Should().Be(1);
        var expected = OperatingSystem.IsLinux()
            ? "FtpSystemUserOptions.PamService: there is no /etc/pam.d/ftp-embedded-no-such-service, so PAM would use its 'other' service"
            : "--system-users works on Linux only.";
        error.ToString().Should().StartWith("Cannot start the FTP server: ").And.Contain(expected);
    }

    [RootOnLinuxFact]
    public async Task The_sample_host_serves_system_users_and_refuses_a_wrong_password()
    {
        var service = "ftp-embedded-sample-" + Guid.NewGuid().ToString("N")[..8];
        var pamFile = Path.Combine("/etc/pam.d", service);
        await File.WriteAllTextAsync(pamFile, "auth required pam_unix.so nodelay\naccount required pam_unix.so\n");
        try
        {
            var options = SampleOptions.Parse(["--port", "0", "--system-users", "--system-users-pam-service", service], TextWriter.Null)!;
            using var host = SampleServer.Build(options);
            await host.StartAsync();
            try
            {
                var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
                await using var client = await FtpTestClient.ConnectAsync(port);
                await client.ExpectAsync("USER root", 331);
                await client.ExpectAsync("PASS not-the-password", 530);
                await client.ExpectAsync("USER anonymous", 331);
                await client.ExpectAsync("PASS me@", 530);
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            File.Delete(pamFile);
        }
    }
}

/// <summary>A test that needs Linux and root (CI runs the tests as root); skipped elsewhere.</summary>
public sealed class RootOnLinuxFactAttribute : FactAttribute
{
    public RootOnLinuxFactAttribute()
        => Skip = !OperatingSystem.IsLinux() ? "Needs Linux." : !Environment.IsPrivilegedProcess ? "Needs root (system users); CI runs the tests as root." : null;
}
