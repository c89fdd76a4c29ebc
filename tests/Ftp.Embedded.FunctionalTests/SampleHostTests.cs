using System.Net;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Ftp.Embedded.Samples.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ftp.Embedded.FunctionalTests;

public sealed class SampleHostTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ftp-sample-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Defaults_match_the_documented_contract()
    {
        var options = SampleOptions.Parse([], TextWriter.Null)!;
        options.Listen.Should().Be(IPAddress.Loopback);
        options.Port.Should().Be(2121);
        options.Root.Should().Be("./ftp-root");
        options.Anonymous.Should().BeTrue();
        options.Users.Should().BeEmpty();
        options.PassivePorts.Should().BeNull();
        options.PublicAddress.Should().BeNull();
    }

    [Fact]
    public void Every_option_parses()
    {
        var options = SampleOptions.Parse(
            ["--listen", "0.0.0.0", "--port=2222", "--root", "/srv/ftp", "--no-anonymous", "--user", "alice:s3:cret", "--user", "bob",
             "--passive-ports", "50000-50010", "--public-address", "203.0.113.7", "--max-sessions", "20", "--max-sessions-per-ip=4",
             "--no-active", "--log-level", "warning", "--trusted-proxies", "10.0.0.0/8, 192.0.2.10", "--trusted-proxies=fd00::/8"], TextWriter.Null)!;
        options.Listen.Should().Be(IPAddress.Any);
        options.Port.Should().Be(2222);
        options.Root.Should().Be("/srv/ftp");
        options.Anonymous.Should().BeFalse();
        options.Users[0].Should().Be(new SampleUser("alice", "s3:cret", false));
        options.Users[1].Name.Should().Be("bob");
        options.Users[1].PasswordGenerated.Should().BeTrue();
        options.Users[1].Password.Should().HaveLength(16);
        options.PassivePorts.Should().Be((50000, 50010));
        options.PublicAddress.Should().Be(IPAddress.Parse("203.0.113.7"));
        options.MaxSessions.Should().Be(20);
        options.MaxSessionsPerIp.Should().Be(4);
        options.AllowActive.Should().BeFalse();
        options.LogLevel.Should().Be(Microsoft.Extensions.Logging.LogLevel.Warning);
        options.TrustedProxies.Should().Equal("10.0.0.0/8", "192.0.2.10", "fd00::/8");
    }

    [Fact]
    public void Rate_options_parse_with_suffixes_and_bad_ones_say_what_to_give()
    {
        var options = SampleOptions.Parse(["--max-download-rate", "5M", "--max-upload-rate=512k"], TextWriter.Null)!;
        options.MaxDownloadRate.Should().Be(5 * 1024 * 1024);
        options.MaxUploadRate.Should().Be(512 * 1024);
        SampleOptions.Parse([], TextWriter.Null)!.MaxDownloadRate.Should().BeNull();
        SampleOptions.Parse(["--max-upload-rate", "0"], TextWriter.Null)!.MaxUploadRate.Should().Be(0);

        foreach (var bad in new[] { "fast", "100", "5MB", "-1M" })
        {
            var error = new StringWriter();
            SampleOptions.Parse(["--max-download-rate", bad], error).Should().BeNull();
            error.ToString().Should().StartWith($"--max-download-rate: '{bad}' is not a rate: give bytes per second of 1024 or more");
        }
    }

    [Fact]
    public async Task Rate_options_reach_the_server_limits()
    {
        var options = SampleOptions.Parse(["--port", "0", "--root", _root, "--max-download-rate", "2M", "--max-upload-rate", "1G"], TextWriter.Null)!;
        using var host = SampleServer.Build(options);
        var limits = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FtpServerOptions>>().Value.Limits;
        limits.MaxDownloadRate.Should().Be(2 * 1024 * 1024);
        limits.MaxUploadRate.Should().Be(1024L * 1024 * 1024);
    }

    [Fact]
    public async Task Command_line_limits_and_active_mode_reach_the_server()
    {
        var options = SampleOptions.Parse(["--port", "0", "--root", _root, "--user", "alice:secret", "--max-sessions-per-ip", "2", "--no-active"], TextWriter.Null)!;
        using var host = SampleServer.Build(options);
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            await using var first = await FtpTestClient.LoginAsync(port, "alice", "secret");
            await first.ExpectAsync("PORT 127,0,0,1,200,10", 502);
            await using var second = await FtpTestClient.ConnectAsync(port);
            await using var third = await FtpTestClient.ConnectAsync(port, expectGreeting: false);
            await third.ExpectAsync(421);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Trusted_proxies_from_the_command_line_give_sessions_the_PROXY_header_s_address()
    {
        var options = SampleOptions.Parse(["--port", "0", "--root", _root, "--max-sessions-per-ip", "1", "--trusted-proxies", "127.0.0.0/8"], TextWriter.Null)!;
        using var host = SampleServer.Build(options);
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            async Task<FtpTestClient> ProxiedAsync(string client)
            {
                var connection = await FtpTestClient.ConnectAsync(port, expectGreeting: false);
                await connection.Stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"PROXY TCP4 {client} 127.0.0.1 40000 21\r\n"));
                return connection;
            }

            await using var first = await ProxiedAsync("192.0.2.1");
            await first.ExpectAsync(220);
            await using var second = await ProxiedAsync("192.0.2.2");
            await second.ExpectAsync(220);
            await using var third = await ProxiedAsync("192.0.2.1");
            await third.ExpectAsync(421);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'. Run with --help to see the options.")]
    [InlineData("--port", "--port needs a value.")]
    [InlineData("--port=70000", "--port: '70000' is not a port number (0-65535).")]
    [InlineData("--listen=nowhere", "--listen: 'nowhere' is not an IP address.")]
    [InlineData("--passive-ports=9-1", "--passive-ports: '9-1' is not a range FROM-TO with 1 <= FROM <= TO <= 65535.")]
    [InlineData("--user=../x:pw", "--user: '../x' is not a valid user name (letters, digits, '-', '_' and '.').")]
    [InlineData("--public-address=::1", "--public-address: '::1' is not an IPv4 address.")]
    [InlineData("--max-sessions=0", "--max-sessions: '0' is not a whole number of 1 or more.")]
    [InlineData("--log-level=loud", "--log-level: 'loud' is not one of Trace, Debug, Information, Warning, Error, Critical, None.")]
    [InlineData("--user=anonymous:pw", "--user: 'anonymous' is an anonymous login name (any password logs in read-only): choose another name, or add --no-anonymous.")]
    [InlineData("--user=FTP:pw", "--user: 'FTP' is an anonymous login name (any password logs in read-only): choose another name, or add --no-anonymous.")]
    [InlineData("--trusted-proxies=10.0.0.0/8,proxy", "--trusted-proxies: 'proxy' is not an address or a network such as 10.0.0.0/8.")]
    [InlineData("--trusted-proxies=10.0.0.0/33", "--trusted-proxies: '10.0.0.0/33' is not an address or a network such as 10.0.0.0/8.")]
    [InlineData("--require-tls", "--implicit-tls-port and --require-tls need a certificate: give --tls-cert FILE (or --tls-self-signed for local testing).")]
    public async Task Bad_options_are_errors_with_a_clear_message(string argument, string message)
    {
        var error = new StringWriter();
        (await SampleServer.RunAsync([argument], TextWriter.Null, error)).Should().Be(2);
        error.ToString().Trim().Should().Be(message);
    }

    [Fact]
    public void Without_anonymous_login_a_user_may_be_called_anonymous()
    {
        SampleOptions.Parse(["--user", "anonymous:pw", "--no-anonymous"], TextWriter.Null)!.Users.Should().ContainSingle().Which.Name.Should().Be("anonymous");
    }

    [Fact]
    public async Task Help_lists_every_option_with_its_default()
    {
        var output = new StringWriter();
        (await SampleServer.RunAsync(["--help"], output, TextWriter.Null)).Should().Be(0);
        foreach (var option in new[] { "--listen", "--port", "--root", "--anonymous", "--no-anonymous", "--user", "--passive-ports", "--public-address",
                     "--max-sessions", "--max-sessions-per-ip", "--allow-active", "--no-active", "--log-level", "--tls-cert", "--tls-key",
                     "--tls-cert-password", "--tls-self-signed", "--implicit-tls-port", "--require-tls", "--trusted-proxies", "--help" })
        {
            output.ToString().Should().Contain(option);
        }

        output.ToString().Should().Contain("default 127.0.0.1").And.Contain("default 2121").And.Contain("default ./ftp-root");
        output.ToString().Should().EndWith("(Ftp__Limits__IdleTimeout=60)." + Environment.NewLine, "the help ends with a line break");
    }

    [Fact]
    public async Task The_sample_host_serves_explicit_and_implicit_FTPS_from_a_certificate_file()
    {
        Directory.CreateDirectory(_root);
        var pfx = Path.Combine(_root, "server.pfx");
        await File.WriteAllBytesAsync(pfx, TestCertificate.Instance.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "pfx-pw"));
        var options = SampleOptions.Parse(["--port", "0", "--root", _root, "--user", "alice:secret", "--tls-cert", pfx,
            "--tls-cert-password", "pfx-pw", "--implicit-tls-port", "0", "--require-tls"], TextWriter.Null)!;
        using var host = SampleServer.Build(options);
        await host.StartAsync();
        try
        {
            var endPoints = host.Services.GetRequiredService<FtpServer>().EndPoints;
            await using (var plain = await FtpTestClient.ConnectAsync(endPoints[0].Port))
            {
                await plain.ExpectAsync("USER alice", 530);
                await plain.ExpectAsync("AUTH TLS", 234);
                await plain.UpgradeToTlsAsync();
                await plain.ExpectAsync("USER alice", 331);
                await plain.ExpectAsync("PASS secret", 230);
            }

            await using var implicitTls = await FtpTestClient.ConnectImplicitAsync(endPoints[1].Port);
            await implicitTls.ExpectAsync("USER alice", 331);
            await implicitTls.ExpectAsync("PASS secret", 230);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void A_missing_root_is_created_with_a_readme_and_an_existing_one_is_kept()
    {
        var options = SampleOptions.Parse(["--user", "alice:pw"], TextWriter.Null)!;
        SampleServer.PrepareRoot(_root, options, new ConfigurationBuilder().Build());
        File.ReadAllText(Path.Combine(_root, "pub", "readme.txt")).Should().StartWith("Welcome");
        Directory.Exists(Path.Combine(_root, "home", "alice")).Should().BeTrue();

        File.Delete(Path.Combine(_root, "pub", "readme.txt"));
        File.WriteAllText(Path.Combine(_root, "mine.txt"), "kept");
        SampleServer.PrepareRoot(_root, SampleOptions.Parse(["--user", "bob:pw"], TextWriter.Null)!, new ConfigurationBuilder().Build());
        File.Exists(Path.Combine(_root, "pub", "readme.txt")).Should().BeFalse("an existing root is used as it is");
        File.ReadAllText(Path.Combine(_root, "mine.txt")).Should().Be("kept");
        Directory.Exists(Path.Combine(_root, "home", "bob")).Should().BeTrue();
    }

    [Fact]
    public async Task The_sample_host_serves_users_and_anonymous()
    {
        var options = SampleOptions.Parse(["--port", "0", "--root", _root, "--user", "alice:secret"], TextWriter.Null)!;
        using var host = SampleServer.Build(options);
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            await using (var client = await FtpTestClient.LoginAsync(port, "alice", "secret"))
            {
                (await client.ExpectAsync("PWD", 257)).Text.Should().StartWith("\"/\"");
                await client.ExpectAsync("MKD docs", 257);
                await client.ExpectAsync("TYPE I", 200);
                await client.StoreAsync("STOR docs/a.txt", "hello"u8.ToArray());
                await client.ExpectAsync("QUIT", 221);
            }

            File.ReadAllText(Path.Combine(_root, "home", "alice", "docs", "a.txt")).Should().Be("hello");
            await using (var anonymous = await FtpTestClient.LoginAsync(port, "anonymous", "me@"))
            {
                (await anonymous.RetrieveAsync("RETR readme.txt")).Should().StartWith("Welcome"u8.ToArray());
                await anonymous.ExpectAsync("MKD x", 550);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Configuration_users_are_served_beside_command_line_ones()
    {
        var options = SampleOptions.Parse(["--port", "0", "--root", _root, "--no-anonymous"], TextWriter.Null)!;
        using var host = SampleServer.Build(options, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ftp:Users:0:Name"] = "carol",
            ["Ftp:Users:0:PasswordHash"] = FtpPasswordHasher.Hash("pw"),
            ["Ftp:Users:0:HomeDirectory"] = "/home/carol",
            ["Ftp:Limits:FailedLoginDelay"] = "0",
        }));
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            await using var client = await FtpTestClient.LoginAsync(port, "carol", "pw");
            await client.ExpectAsync("MKD made", 257);
            Directory.Exists(Path.Combine(_root, "home", "carol", "made")).Should().BeTrue();
            await using var anonymous = await FtpTestClient.ConnectAsync(port);
            await anonymous.ExpectAsync("USER anonymous", 331);
            await anonymous.ExpectAsync("PASS x", 530);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
