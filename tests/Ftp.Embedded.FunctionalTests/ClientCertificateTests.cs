using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using FtpWire;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>TLS client certificates: validated against the configured CA only, mapped to users by the application.</summary>
public sealed class ClientCertificateTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("ftp-client-certs-");

    public void Dispose() => _scratch.Dispose();

    /// <summary>Maps a certificate to its subject's common name.</summary>
    private sealed class CommonNameMapper : IFtpClientCertificateMapper
    {
        public ValueTask<string?> MapAsync(X509Certificate2 certificate, FtpSessionInfo session, CancellationToken cancellationToken)
            => ValueTask.FromResult<string?>(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
    }

    private Task<TestServer> StartAsync(
        FtpClientCertificateMode mode, bool map = true, bool certificateOnly = false, Action<FtpServerOptions>? more = null, IFtpFileSystemProvider? provider = null)
        => TestServer.StartAsync(configure: o =>
        {
            o.Tls.Certificate = TestCertificate.Instance;
            o.Tls.ImplicitEndpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
            o.Tls.ClientCertificates = mode;
            o.Tls.ClientCertificateAuthorityPath = ClientCertificates.WriteBundle(Path.Combine(_scratch.Path, "ca.pem"), ClientCertificates.Authority);
            o.Tls.ClientCertificateMapper = map ? new CommonNameMapper() : null;
            o.Tls.AllowCertificateOnlyLogin = certificateOnly;
            more?.Invoke(o);
        }, fileSystemProvider: provider);

    /// <summary>AUTH TLS, presenting <paramref name="certificate"/> when not null.</summary>
    private static async Task<FtpTestClient> ExplicitAsync(TestServer server, X509Certificate2? certificate)
    {
        var client = await server.ConnectAsync();
        await client.ExpectAsync("AUTH TLS", 234);
        await client.UpgradeToTlsAsync(certificate);
        return client;
    }

    /// <summary>Implicit FTPS on the second endpoint, presenting <paramref name="certificate"/> when not null.</summary>
    private static async Task<FtpTestClient> ImplicitAsync(TestServer server, X509Certificate2? certificate)
    {
        var client = await FtpTestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Server.EndPoints[1].Port), new FtpWireOptions { ExpectGreeting = false });
        await client.UpgradeToTlsAsync(certificate);
        await client.ExpectAsync(220);
        return client;
    }

    /// <summary>
    /// The server refuses the handshake: with TLS 1.3 the client may finish its side first and see the refusal only as
    /// the end of the connection, so either the handshake fails or the connection ends without a reply.
    /// </summary>
    private static async Task RefusedAsync(Func<Task<FtpTestClient>> connect)
    {
        FtpTestClient? client = null;
        try
        {
            client = await connect();
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            return;
        }
        catch (FtpReplyException ex)
        {
            throw new InvalidOperationException($"the server answered instead of refusing: {ex.Message}");
        }

        await using (client)
        {
            await client.SendAsync("NOOP");
            await client.ExpectClosedAsync();
        }
    }

    private static async Task<byte[]> RetrieveProtectedAsync(FtpTestClient client, string command, X509Certificate2? certificate)
    {
        using var socket = await client.OpenPassiveAsync();
        await client.SendAsync(command);
        await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false), certificate);
        await client.ExpectAsync(150);
        using var memory = new MemoryStream();
        await tls.CopyToAsync(memory);
        await client.ExpectAsync(226);
        return memory.ToArray();
    }

    [Fact]
    public async Task Required_refuses_handshakes_without_a_certificate_and_clear_text_logins()
    {
        await using var server = await StartAsync(FtpClientCertificateMode.Required);
        await RefusedAsync(() => ExplicitAsync(server, null));
        await RefusedAsync(() => ImplicitAsync(server, null));
        await using var clear = await server.ConnectAsync();
        (await clear.ExpectAsync("USER alice", 530)).Text.Should().Contain("client certificate is required");
        await clear.ExpectAsync("USER anonymous", 530);
    }

    [Theory]
    [InlineData("other CA")]
    [InlineData("expired")]
    [InlineData("server usage")]
    public async Task A_certificate_that_is_not_valid_is_refused_even_when_optional(string kind)
    {
        using var certificate = kind switch
        {
            "other CA" => ClientCertificates.Issue("alice", ClientCertificates.OtherAuthority),
            "expired" => ClientCertificates.Expired("alice"),
            _ => ClientCertificates.Issue("alice", usage: ClientCertificates.ServerAuthentication),
        };
        await using var server = await StartAsync(FtpClientCertificateMode.Optional);
        await RefusedAsync(() => ExplicitAsync(server, certificate));
        await RefusedAsync(() => ImplicitAsync(server, certificate));
        await using var valid = await ExplicitAsync(server, ClientCertificates.Issue("alice"));
        await valid.ExpectAsync("NOOP", 200);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Certificate_only_login_gets_232_and_transfers_with_PROT_P(bool implicitTls)
    {
        using var certificate = ClientCertificates.Issue("alice");
        await using var server = await StartAsync(FtpClientCertificateMode.Required, certificateOnly: true);
        var content = TransferTests.RandomBytes(300_000, 61);
        await server.WriteFileAsync("/home/alice/c.bin", content);
        await using var client = implicitTls ? await ImplicitAsync(server, certificate) : await ExplicitAsync(server, certificate);
        (await client.ExpectAsync("USER alice", 232)).Text.Should().Be("User logged in, authorized by security data exchange.");
        await client.ExpectAsync("PBSZ 0", 200);
        await client.ExpectAsync("PROT P", 200);
        await client.ExpectAsync("TYPE I", 200);
        TransferTests.SameBytes(await RetrieveProtectedAsync(client, "RETR c.bin", certificate), content);
        TransferTests.SameBytes(await RetrieveProtectedAsync(client, "RETR c.bin", null), content);

        // A data connection may not present another client's certificate.
        using var other = ClientCertificates.Issue("bob");
        using var socket = await client.OpenPassiveAsync();
        await client.SendAsync("RETR c.bin");
        await client.ExpectAsync(150);
        try
        {
            await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false), other);
            await tls.CopyToAsync(Stream.Null);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
        }

        await client.ExpectAsync(425);
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task Without_certificate_only_login_the_password_is_needed_too()
    {
        using var certificate = ClientCertificates.Issue("alice");
        await using var server = await StartAsync(FtpClientCertificateMode.Required);
        await using var client = await ExplicitAsync(server, certificate);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS wrong", 530);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
    }

    [Fact]
    public async Task A_certificate_that_maps_to_another_user_fails_the_login_and_counts()
    {
        using var certificate = ClientCertificates.Issue("alice");
        await using var server = await StartAsync(FtpClientCertificateMode.Optional, certificateOnly: true, more: o => o.Limits.MaxFailedLogins = 2);
        await using var client = await ExplicitAsync(server, certificate);
        // Not certificate-only for bob: 331 as for anyone, and bob's right password is refused.
        await client.ExpectAsync("USER bob", 331);
        (await client.ExpectAsync("PASS hunter2", 530)).Text.Should().Be("Login incorrect.");
        await client.ExpectAsync("USER bob", 331);
        await client.ExpectAsync("PASS hunter2", 530);
        await client.ExpectAsync(421);
        await client.ExpectClosedAsync();
    }

    /// <summary>
    /// The password was right, so the provider opened bob's filesystem before the certificate check refused the login:
    /// that filesystem is disposed at once, not left open until the collector finds it.
    /// </summary>
    [Fact]
    public async Task A_login_the_certificate_refuses_disposes_the_filesystem_it_opened()
    {
        using var certificate = ClientCertificates.Issue("alice");
        var provider = new DisposalCountingProvider();
        await using var server = await StartAsync(FtpClientCertificateMode.Optional, certificateOnly: true, provider: provider);
        await using var client = await ExplicitAsync(server, certificate);

        await client.ExpectAsync("USER bob", 331);
        await client.ExpectAsync("PASS hunter2", 530);

        provider.Opened.Should().Be(1);
        provider.Disposed.Should().Be(1);
    }

    private sealed class DisposalCountingProvider : IFtpFileSystemProvider
    {
        private readonly InMemoryFileSystem _store = new();
        private int _opened;
        private int _disposed;

        public int Opened => Volatile.Read(ref _opened);

        public int Disposed => Volatile.Read(ref _disposed);

        public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _opened);
            return ValueTask.FromResult<IFtpFileSystem>(new Tracked(_store, this));
        }

        private sealed class Tracked(IFtpFileSystem inner, DisposalCountingProvider owner) : ForwardingFileSystem(inner), IDisposable
        {
            public void Dispose() => Interlocked.Increment(ref owner._disposed);

        }
    }

    [Fact]
    public async Task Optional_lets_clients_without_a_certificate_log_in_with_a_password()
    {
        await using var server = await StartAsync(FtpClientCertificateMode.Optional, certificateOnly: true);
        await using var client = await ExplicitAsync(server, null);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
        await using var clear = await server.ConnectAsync();
        await clear.ExpectAsync("USER alice", 331);
        await clear.ExpectAsync("PASS secret", 230);
    }

    [Fact]
    public async Task Without_a_mapper_a_valid_certificate_only_admits_and_any_user_logs_in_with_a_password()
    {
        using var certificate = ClientCertificates.Issue("somebody");
        await using var server = await StartAsync(FtpClientCertificateMode.Required, map: false);
        await using var client = await ExplicitAsync(server, certificate);
        await client.ExpectAsync("USER bob", 331);
        await client.ExpectAsync("PASS hunter2", 230);
    }

    [Fact]
    public async Task The_authenticator_sees_the_certificate_and_a_certificate_only_login()
    {
        using var certificate = ClientCertificates.Issue("carol");
        var seen = new List<FtpLoginContext>();
        var carol = new RecordingAuthenticator(seen);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Tls.Certificate = TestCertificate.Instance;
            o.Tls.ClientCertificates = FtpClientCertificateMode.Required;
            o.Tls.ClientCertificateAuthorityPath = ClientCertificates.WriteBundle(Path.Combine(_scratch.Path, "ca.pem"), ClientCertificates.Authority);
            o.Tls.ClientCertificateMapper = new CommonNameMapper();
            o.Tls.AllowCertificateOnlyLogin = true;
        }, extraAuthenticators: [carol]);
        await using var client = await ExplicitAsync(server, certificate);
        await client.ExpectAsync("USER carol", 232);
        seen.Should().ContainSingle();
        seen[0].AuthenticatedByCertificate.Should().BeTrue();
        seen[0].Password.Should().BeEmpty();
        seen[0].ClientCertificate!.RawData.Should().Equal(certificate.RawData);
    }

    private sealed class RecordingAuthenticator(List<FtpLoginContext> seen) : IFtpAuthenticator
    {
        public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
        {
            seen.Add(login);
            return ValueTask.FromResult(login.UserName == "carol" && login.AuthenticatedByCertificate ? new FtpUser("carol", "/pub", FtpPermissions.Read) : null);
        }
    }
}
