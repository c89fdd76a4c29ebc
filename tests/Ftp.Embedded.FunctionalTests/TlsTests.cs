using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

public sealed class TlsTests
{
    private static Task<TestServer> StartAsync(Action<FtpTlsOptions>? tls = null, bool implicitEndpoint = false)
        => TestServer.StartAsync(o =>
        {
            o.Tls.Certificate = TestCertificate.Instance;
            if (implicitEndpoint)
            {
                o.Tls.ImplicitEndpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
            }

            tls?.Invoke(o.Tls);
        });

    private static async Task<FtpTestClient> LoginTlsAsync(TestServer server, string user = "alice", string password = "secret")
    {
        var client = await server.ConnectAsync();
        await client.ExpectAsync("AUTH TLS", 234);
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync($"USER {user}", 331);
        await client.ExpectAsync($"PASS {password}", 230);
        return client;
    }

    /// <summary>EPSV, connect, TLS on the data connection (as curl does, before the transfer command), then the command.</summary>
    private static async Task<byte[]> RetrieveProtectedAsync(FtpTestClient client, string command)
    {
        using var socket = await client.OpenPassiveAsync();
        await client.SendAsync(command);
        await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false));
        await client.ExpectAsync(150);
        using var memory = new MemoryStream();
        await tls.CopyToAsync(memory);
        await client.ExpectAsync(226);
        return memory.ToArray();
    }

    [Fact]
    public async Task FEAT_advertises_TLS_when_a_certificate_is_set()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        var feat = await client.ExpectAsync("FEAT", 211);
        feat.Lines.Select(l => l.Trim()).Should().Contain(["AUTH TLS", "PBSZ", "PROT"]);
    }

    [Fact]
    public async Task AUTH_TLS_protects_the_control_connection_and_PROT_P_the_data()
    {
        await using var server = await StartAsync();
        var content = TransferTests.RandomBytes(1_000_000, 21);
        await server.WriteFileAsync("/home/alice/secret.bin", content);
        await using var client = await LoginTlsAsync(server);
        client.IsSecure.Should().BeTrue();
        await client.ExpectAsync("PBSZ 0", 200);
        await client.ExpectAsync("PROT P", 200);
        await client.ExpectAsync("TYPE I", 200);
        TransferTests.SameBytes(await RetrieveProtectedAsync(client, "RETR secret.bin"), content);
        (await RetrieveProtectedAsync(client, "NLST")).Should().Equal("secret.bin\r\n"u8.ToArray());

        using (var socket = await client.OpenPassiveAsync())
        {
            await client.SendAsync("STOR up.bin");
            await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false));
            await client.ExpectAsync(150);
            await tls.WriteAsync(content);
            await tls.ShutdownAsync();
            // Read to the server's close_notify, as ftplib's unwrap() does: closing with unread TLS records would reset.
            await tls.CopyToAsync(Stream.Null);
        }

        await client.ExpectAsync(226);
        TransferTests.SameBytes(await server.ReadFileAsync("/home/alice/up.bin"), content);

        await client.ExpectAsync("PROT C", 200);
        (await client.RetrieveAsync("RETR secret.bin")).Should().HaveCount(content.Length);
    }

    [Fact]
    public async Task Active_mode_data_connections_are_protected_too()
    {
        await using var server = await StartAsync();
        await server.WriteFileAsync("/home/alice/a.txt", "active and private"u8.ToArray());
        await using var client = await LoginTlsAsync(server);
        await client.ExpectAsync("PBSZ 0", 200);
        await client.ExpectAsync("PROT P", 200);
        await client.ExpectAsync("TYPE I", 200);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        await client.ExpectAsync($"EPRT |1|127.0.0.1|{((IPEndPoint)listener.LocalEndPoint!).Port}|", 200);
        await client.SendAsync("RETR a.txt");
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        using var socket = await listener.AcceptAsync(cts.Token);
        await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false));
        await client.ExpectAsync(150);
        using var memory = new MemoryStream();
        await tls.CopyToAsync(memory, cts.Token);
        memory.ToArray().Should().Equal("active and private"u8.ToArray());
        await client.ExpectAsync(226);
    }

    [Fact]
    public async Task Commands_pipelined_after_AUTH_close_the_connection()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendRawAsync("AUTH TLS\r\nUSER alice\r\n"u8.ToArray());
        await client.ExpectAsync(234);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_client_that_never_starts_the_handshake_is_closed_after_the_timeout()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Tls.Certificate = TestCertificate.Instance;
            o.Limits.TlsHandshakeTimeout = TimeSpan.FromMilliseconds(500);
        });
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("AUTH TLS", 234);
        await client.ExpectClosedAsync();
        await using var other = await LoginTlsAsync(server);
    }

    [Theory]
    [InlineData("PBSZ 0", 503)]
    [InlineData("PROT P", 503)]
    [InlineData("CCC", 533)]
    [InlineData("AUTH KERBEROS", 504)]
    public async Task Security_commands_in_the_wrong_order_or_unsupported_are_refused(string command, int code)
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync(command, code);
    }

    [Fact]
    public async Task PROT_needs_PBSZ_and_takes_only_C_or_P()
    {
        await using var server = await StartAsync();
        await using var client = await LoginTlsAsync(server);
        await client.ExpectAsync("PROT P", 503);
        await client.ExpectAsync("PBSZ x", 501);
        (await client.ExpectAsync("PBSZ 0", 200)).Text.Should().Be("PBSZ=0");
        await client.ExpectAsync("PROT S", 504);
        await client.ExpectAsync("PROT E", 504);
        await client.ExpectAsync("PROT X", 501);
        await client.ExpectAsync("AUTH TLS", 503);
    }

    [Fact]
    public async Task AUTH_without_a_certificate_is_not_implemented()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("AUTH TLS", 502);
    }

    [Fact]
    public async Task TLS_can_be_required_for_login_and_data_except_for_anonymous()
    {
        await using var server = await StartAsync(t =>
        {
            t.RequireForLogin = true;
            t.RequireForData = true;
        });
        await server.WriteFileAsync("/home/alice/f.txt", "f"u8.ToArray());
        await server.WriteFileAsync("/pub/p.txt", "p"u8.ToArray());
        await using (var clear = await server.ConnectAsync())
        {
            (await clear.ExpectAsync("USER alice", 530)).Text.Should().Contain("TLS is required");
            await clear.ExpectAsync("USER anonymous", 331);
            await clear.ExpectAsync("PASS guest@", 230);
            (await clear.RetrieveAsync("RETR p.txt")).Should().Equal("p"u8.ToArray());
        }

        await using var client = await LoginTlsAsync(server);
        await client.ExpectAsync("PBSZ 0", 200);
        await client.ExpectAsync("PROT C", 534);
        await client.ExpectAsync("PASV", 227);
        (await client.ExpectAsync("RETR f.txt", 521)).Text.Should().Contain("PROT P");
        await client.ExpectAsync("PROT P", 200);
        await client.ExpectAsync("TYPE I", 200);
        (await RetrieveProtectedAsync(client, "RETR f.txt")).Should().Equal("f"u8.ToArray());
    }

    [Fact]
    public async Task Implicit_FTPS_speaks_TLS_from_the_first_byte_and_protects_data_by_default()
    {
        await using var server = await StartAsync(implicitEndpoint: true);
        await server.WriteFileAsync("/home/alice/i.txt", "implicit"u8.ToArray());
        var implicitPort = server.Server.EndPoints[1].Port;
        await using var client = await FtpTestClient.ConnectImplicitAsync(implicitPort);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
        await client.ExpectAsync("TYPE I", 200);
        (await RetrieveProtectedAsync(client, "RETR i.txt")).Should().Equal("implicit"u8.ToArray());

        // A plain-text client on the implicit port gets no greeting and is closed after the handshake timeout.
        await using var plain = await FtpTestClient.ConnectAsync(implicitPort, expectGreeting: false);
        await plain.SendAsync("USER alice");
        await plain.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_renewed_certificate_file_applies_to_new_connections_without_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("ftp-cert-").FullName;
        try
        {
            var path = Path.Combine(directory, "server.pfx");
            var first = TestCertificate.Create();
            await File.WriteAllBytesAsync(path, first.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
            var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
            await using var server = await TestServer.StartAsync(o => o.Tls.CertificatePath = path, time);
            (await ThumbprintAsync(server.Port)).Should().Be(first.Thumbprint);

            var second = TestCertificate.Create();
            await File.WriteAllBytesAsync(path, second.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            (await ThumbprintAsync(server.Port)).Should().Be(first.Thumbprint, "the file is checked at most every few seconds");
            time.Advance(TimeSpan.FromSeconds(6));
            (await ThumbprintAsync(server.Port)).Should().Be(second.Thumbprint);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> ThumbprintAsync(int port)
    {
        await using var client = await FtpTestClient.ConnectAsync(port);
        await client.ExpectAsync("AUTH TLS", 234);
        using var socket = client.Socket;
        var ssl = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: false), false, (_, certificate, _, _) => certificate is not null);
        await ssl.AuthenticateAsClientAsync("localhost");
        return new System.Security.Cryptography.X509Certificates.X509Certificate2(ssl.RemoteCertificate!).Thumbprint;
    }

    [Fact]
    public async Task Implicit_endpoints_without_a_certificate_fail_the_start()
    {
        var start = async () => await TestServer.StartAsync(o => o.Tls.ImplicitEndpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)));
        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()).WithMessage("*implicit endpoints but no certificate*");
    }
}
