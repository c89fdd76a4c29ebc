using System.Text;
using FluentFTP;
using FluentFTP.Exceptions;
using Xunit.Abstractions;

namespace Ftp.Embedded.InteropTests;

/// <summary>
/// FluentFTP's <see cref="AsyncFtpClient"/>, the client .NET applications use, against a real server in this process:
/// the plain one of <see cref="InteropServer"/> and the FTPS one of <see cref="TlsInteropServer"/> (both over a temporary
/// directory), and one over the in-memory filesystem. Each test has its own remote folder and a time limit.
/// </summary>
public sealed partial class FluentFtpTests(InteropServer server, TlsInteropServer tls, ITestOutputHelper output)
    : IClassFixture<InteropServer>, IClassFixture<TlsInteropServer>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Connects_and_logs_in_as_a_local_user()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);

        ftp.Client.IsConnected.Should().BeTrue();
        ftp.Client.IsAuthenticated.Should().BeTrue();
        ftp.Client.IsEncrypted.Should().BeFalse();
        ftp.Client.SystemType.Should().Be("UNIX Type: L8");
        ftp.Client.ServerOS.Should().Be(FtpOperatingSystem.Unix);
        ftp.Client.Encoding.Should().BeOfType(Encoding.UTF8.GetType(), "FEAT lists UTF8 and OPTS UTF8 ON is accepted");
        ftp.Client.Capabilities.Should().BeEquivalentTo(
        [
            FtpCapability.FEAT, FtpCapability.AVBL, FtpCapability.EPSV, FtpCapability.HOST, FtpCapability.MDTM, FtpCapability.MFMT,
            FtpCapability.MLST, FtpCapability.REST, FtpCapability.SIZE, FtpCapability.UTF8, FtpCapability.MODE_Z,
            FtpCapability.HASH, FtpCapability.XCRC, FtpCapability.XMD5, FtpCapability.XSHA1, FtpCapability.XSHA256, FtpCapability.XSHA512,
        ]);
        // FEAT says "HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32" (the draft's name); FluentFTP reads only "CRC" as CRC and
        // reaches CRC through XCRC instead.
        ftp.Client.HashAlgorithms.Should().Be(
            FtpHashAlgorithm.SHA1 | FtpHashAlgorithm.SHA256 | FtpHashAlgorithm.SHA512 | FtpHashAlgorithm.MD5);
        (await ftp.Client.GetWorkingDirectory(cts.Token)).Should().Be("/");
        ftp.Log.Should().Contain("Response: 230 User logged in, proceed.").And.Contain("Response: 200 UTF8 set to on.");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_530()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var client = NewClient(server.Port, configure: null, password: "wrong");
        await using (client)
        {
            var act = () => client.Connect(cts.Token);

            (await act.Should().ThrowAsync<FtpAuthenticationException>()).Which.CompletionCode.Should().Be("530");
            client.IsAuthenticated.Should().BeFalse();
        }
    }

    [Fact]
    public async Task Anonymous_reads_pub_and_may_not_write()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token, user: "anonymous", password: "guest@example.com");

        (await ftp.Client.GetWorkingDirectory(cts.Token)).Should().Be("/");
        var listing = await ftp.Client.GetListing("/", cts.Token);
        listing.Select(i => (i.Name, i.FullName, i.Type, i.Size)).Should().Equal(("readme.txt", "/readme.txt", FtpObjectType.File, 9L));
        (await ftp.Client.DownloadBytes("/readme.txt", cts.Token)).Should().Equal("Welcome.\n"u8.ToArray());

        var upload = () => ftp.Client.UploadBytes("x"u8.ToArray(), "/upload.txt", FtpRemoteExists.NoCheck, token: cts.Token);
        (await upload.Should().ThrowAsync<FluentFTP.Exceptions.FtpException>()).Which.InnerException.Should().BeOfType<FtpCommandException>()
            .Which.CompletionCode.Should().Be("550");
        (await ftp.Client.Execute("MKD /made", cts.Token)).Code.Should().Be("550");
        File.Exists(Path.Combine(server.Root, "pub", "upload.txt")).Should().BeFalse();
        Directory.Exists(Path.Combine(server.Root, "pub", "made")).Should().BeFalse();
    }

    /// <summary>
    /// AutoConnect first tries encryption mode Auto (AUTH TLS, plain text if the server refuses it), then None, then
    /// Implicit, and keeps the first that logs in; over IPv4 it picks PASV without trying a data connection. A server
    /// without TLS answers AUTH TLS with 502, so the profile is plain FTP.
    /// </summary>
    [Fact]
    public async Task AutoConnect_picks_plain_FTP_and_PASV_on_a_server_without_TLS()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = new FluentSession(NewClient(server.Port, configure: null), output);

        var profile = await ftp.Client.AutoConnect(cts.Token);

        profile.Should().NotBeNull(ftp.Log);
        profile!.Encryption.Should().Be(FtpEncryptionMode.None);
        profile.DataConnection.Should().Be(FtpDataConnectionType.PASV);
        profile.Encoding.Should().BeOfType(Encoding.UTF8.GetType());
        profile.EncodingVerified.Should().BeTrue();
        ftp.Client.IsConnected.Should().BeTrue();
        ftp.Client.IsEncrypted.Should().BeFalse();
        ftp.Log.Should().Contain("Command:  AUTH TLS").And.Contain("Response: 502 TLS is not configured on this server.");
        await ftp.Client.UploadBytes("auto"u8.ToArray(), "/auto-plain.txt", FtpRemoteExists.Overwrite, token: cts.Token);
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, "auto-plain.txt"), cts.Token)).Should().Equal("auto"u8.ToArray());
        ftp.Log.Should().Contain("Command:  PASV").And.NotContain("Command:  EPSV");
    }

    /// <summary>On the FTPS server the first mode tried, Auto, succeeds: AUTH TLS, then PBSZ 0 and PROT P.</summary>
    [Fact]
    public async Task AutoConnect_picks_FTPS_when_the_server_offers_TLS()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = new FluentSession(NewClient(tls.Port, c => c.ValidateAnyCertificate = true), output);

        var profile = await ftp.Client.AutoConnect(cts.Token);

        profile.Should().NotBeNull(ftp.Log);
        profile!.Encryption.Should().Be(FtpEncryptionMode.Auto, "Auto is the mode that worked: it upgraded with AUTH TLS");
        profile.DataConnection.Should().Be(FtpDataConnectionType.PASV);
        ftp.Client.IsEncrypted.Should().BeTrue();
        await ftp.Client.UploadBytes("auto"u8.ToArray(), "/auto-tls.txt", FtpRemoteExists.Overwrite, token: cts.Token);
        (await File.ReadAllBytesAsync(Path.Combine(tls.Home, "auto-tls.txt"), cts.Token)).Should().Equal("auto"u8.ToArray());
        ftp.Log.Should().Contain("Response: 234 AUTH TLS successful; start the TLS handshake.")
            .And.Contain("Response: 200 Protection level set to Private.");
    }

    private async Task<FluentSession> ConnectAsync(int port, CancellationToken cancellationToken, Action<FtpConfig>? configure = null, string user = "alice", string password = "secret")
    {
        var session = new FluentSession(NewClient(port, configure, user, password), output);
        try
        {
            await session.Client.Connect(cancellationToken);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        return session;
    }

    private static AsyncFtpClient NewClient(int port, Action<FtpConfig>? configure, string user = "alice", string password = "secret")
    {
        // Every wait is bounded: connect, control replies and data connections give up after 20 s.
        var config = new FtpConfig
        {
            LogHost = true,
            ConnectTimeout = 20_000,
            ReadTimeout = 20_000,
            WriteTimeout = 20_000,
            DataConnectionConnectTimeout = 20_000,
            DataConnectionReadTimeout = 20_000,
            DataConnectionWriteTimeout = 20_000,
        };
        configure?.Invoke(config);
        return new AsyncFtpClient("127.0.0.1", user, password, port, config);
    }

    private static byte[] Bytes(int size, int seed) => Client.RandomBytes(size, seed);

    /// <summary>A client and its command log, which goes to the test output when the test ends.</summary>
    private sealed class FluentSession : IAsyncDisposable
    {
        private readonly StringBuilder log = new();
        private readonly ITestOutputHelper output;

        public FluentSession(AsyncFtpClient client, ITestOutputHelper output)
        {
            Client = client;
            this.output = output;
            client.LegacyLogger = (_, message) =>
            {
                lock (log)
                {
                    log.AppendLine(message);
                }
            };
        }

        public AsyncFtpClient Client { get; }

        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                if (Client.IsConnected)
                {
                    await Client.Disconnect(cts.Token);
                }
            }
            finally
            {
                await Client.DisposeAsync();
                output.WriteLine(Log);
            }
        }
    }
}
