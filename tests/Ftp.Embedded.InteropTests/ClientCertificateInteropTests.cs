using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.InteropTests;

/// <summary>
/// FTPS that requires a client certificate of the test CA, which maps to the user named by its common name; USER of that
/// user logs in without a password (232). AUTH TLS on the main endpoint, implicit FTPS on a second one.
/// </summary>
public sealed class ClientCertificateInteropServer : InteropServer
{
    public X509Certificate2 ServerCertificate { get; } = Ftp.Embedded.Samples.Server.SelfSignedCertificate.Create();

    public int ImplicitPort => Server.EndPoints[1].Port;

    protected override void Configure(FtpServerOptions options)
    {
        var certificates = Directory.CreateDirectory(Path.Combine(Root, "certificates")).FullName;
        options.Tls.Certificate = ServerCertificate;
        options.Tls.ImplicitEndpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Tls.ClientCertificates = FtpClientCertificateMode.Required;
        options.Tls.ClientCertificateAuthorityPath = ClientCertificates.WriteBundle(Path.Combine(certificates, "clients-ca.pem"), ClientCertificates.Authority);
        options.Tls.ClientCertificateMapper = new CommonNameMapper();
        options.Tls.AllowCertificateOnlyLogin = true;
    }

    private sealed class CommonNameMapper : IFtpClientCertificateMapper
    {
        public ValueTask<string?> MapAsync(X509Certificate2 certificate, FtpSessionInfo session, CancellationToken cancellationToken)
            => ValueTask.FromResult<string?>(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
    }
}

public sealed class ClientCertificateInteropTests(ClientCertificateInteropServer server) : IClassFixture<ClientCertificateInteropServer>
{
    /// <summary>The server's certificate (for --cacert) and a client certificate with its key, as PEM files.</summary>
    private (string ServerCa, string Certificate, string Key) Files(string directory, X509Certificate2 client)
    {
        var serverCa = Path.Combine(directory, "server.pem");
        File.WriteAllText(serverCa, server.ServerCertificate.ExportCertificatePem() + "\n");
        var (certificate, key) = ClientCertificates.WritePem(directory, "client", client);
        return (serverCa, certificate, key);
    }

    [Theory]
    [InlineData("explicit")]
    [InlineData("implicit")]
    public async Task Curl_with_a_client_certificate_downloads_byte_exact(string mode)
    {
        var dir = server.NewLocalDirectory();
        using var alice = ClientCertificates.Issue("alice");
        var (serverCa, certificate, key) = Files(dir, alice);
        var content = Client.RandomBytes(1024 * 1024 + 3, mode.Length);
        var name = $"curl-cert-{mode}.bin";
        await File.WriteAllBytesAsync(Path.Combine(server.Home, name), content);
        var url = mode == "implicit" ? $"ftps://127.0.0.1:{server.ImplicitPort}/{name}" : $"{server.Url}/{name}";
        string[] tls = ["--silent", "--show-error", "--max-time", "60", "--cacert", serverCa, "-u", "alice:", .. (mode == "explicit" ? new[] { "--ssl-reqd" } : [])];

        (await Client.RunAsync("curl", [.. tls, "--cert", certificate, "--key", key, "-o", Path.Combine(dir, "down.bin"), url])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(dir, "down.bin"))).Should().Equal(content);

        // Without a certificate the server refuses the handshake.
        (await Client.RunAsync("curl", [.. tls, "-o", Path.Combine(dir, "refused.bin"), url])).ExitCode.Should().NotBe(0);
        File.Exists(Path.Combine(dir, "refused.bin")).Should().BeFalse();
    }

    [Fact]
    public async Task Python_ftplib_with_load_cert_chain_logs_in_by_certificate_and_round_trips()
    {
        var dir = server.NewLocalDirectory();
        using var alice = ClientCertificates.Issue("alice");
        using var stranger = ClientCertificates.Issue("alice", ClientCertificates.OtherAuthority);
        var (serverCa, certificate, key) = Files(dir, alice);
        var (strangerCertificate, strangerKey) = ClientCertificates.WritePem(dir, "stranger", stranger);
        var script = $$"""
            import ftplib, io, random, ssl
            def connect(cert, key):
                context = ssl.create_default_context(cafile="{{serverCa}}")
                context.load_cert_chain("{{certificate}}" if cert else "{{strangerCertificate}}", "{{key}}" if key else "{{strangerKey}}")
                ftp = ftplib.FTP_TLS(context=context)
                ftp.connect("127.0.0.1", {{server.Port}}, timeout=30)
                return ftp
            ftp = connect(True, True)
            print(ftp.login("alice", ""))
            ftp.prot_p()
            data = random.Random(7).randbytes(600000)
            ftp.storbinary("STOR py-cert.bin", io.BytesIO(data))
            out = io.BytesIO()
            ftp.retrbinary("RETR py-cert.bin", out.write)
            assert out.getvalue() == data
            ftp.quit()
            try:
                other = connect(False, False)
                other.login("alice", "secret")
                print("stranger logged in")
            except (ssl.SSLError, OSError, EOFError, ftplib.Error) as e:
                print("stranger refused")
            """;
        var result = (await Client.RunAsync("python3", ["-c", script])).ShouldSucceed();
        result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Should().Equal(
            "232 User logged in, authorized by security data exchange.", "stranger refused");
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, "py-cert.bin"))).Should().HaveCount(600000);
    }

    [Fact]
    public async Task The_certificate_request_names_the_configured_CA_to_OpenSSL()
    {
        var dir = server.NewLocalDirectory();
        using var alice = ClientCertificates.Issue("alice");
        var (_, certificate, key) = Files(dir, alice);
        var result = (await Client.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{server.Port}", "-starttls", "ftp", "-cert", certificate, "-key", key],
            stdin: "QUIT\r\n")).ShouldSucceed();
        result.Output.Should().Contain("Acceptable client certificate CA names\nCN = Ftp.Embedded Test Client CA\n");
    }
}
