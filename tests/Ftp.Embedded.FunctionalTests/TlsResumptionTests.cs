using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// Protected data connections offer TLS session resumption: a client that resumes its previous data connection's
/// session gets an abbreviated handshake, without the certificate and the signature. Uploads stay on TLS 1.2 (no
/// session tickets after the handshake); downloads may use TLS 1.3.
/// </summary>
public sealed class TlsResumptionTests
{
    /// <summary>A handshake that carries the server's certificate reads at least this much; an abbreviated one far less.</summary>
    private const int CertificateBytes = 600;

    [Fact]
    public async Task Data_connections_resume_the_previous_data_connections_TLS_session()
    {
        await using var server = await TestServer.StartAsync(o => o.Tls.Certificate = TestCertificate.Instance);
        var content = TransferTests.RandomBytes(4096, 16);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("AUTH TLS", 234);
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
        await client.ExpectAsync("PBSZ 0", 200);
        await client.ExpectAsync("PROT P", 200);
        await client.ExpectAsync("TYPE I", 200);
        // A name of this test's own: the client's session cache is per process and per target host.
        var host = $"resume-{Guid.NewGuid():N}.test";

        var firstUpload = await StoreAsync(client, "STOR up.bin", host, content);
        var secondUpload = await StoreAsync(client, "STOR up2.bin", host, content);
        var first = await RetrieveAsync(client, "RETR up.bin", host);
        var second = await RetrieveAsync(client, "RETR up2.bin", host);

        TransferTests.SameBytes(await server.ReadFileAsync("/home/alice/up.bin"), content);
        TransferTests.SameBytes(await server.ReadFileAsync("/home/alice/up2.bin"), content);
        first.Bytes.Should().Equal(content);
        second.Bytes.Should().Equal(content);
        firstUpload.HandshakeBytes.Should().BeGreaterThan(CertificateBytes, "the first data connection has no session to resume");
        secondUpload.HandshakeBytes.Should().BeLessThan(CertificateBytes, "the second resumes the first's session: no certificate is sent");
        first.HandshakeBytes.Should().BeGreaterThan(CertificateBytes, "a TLS 1.2 session is not resumed in TLS 1.3");
        second.HandshakeBytes.Should().BeLessThan(CertificateBytes, "a download resumes the previous download's session");
        firstUpload.Protocol.Should().Be(SslProtocols.Tls12, "uploads stay on TLS 1.2");
        secondUpload.Protocol.Should().Be(SslProtocols.Tls12);
        first.Protocol.Should().Be(SslProtocols.Tls13, "downloads may use TLS 1.3");
        second.Protocol.Should().Be(SslProtocols.Tls13);
    }

    private static async Task<(byte[] Bytes, long HandshakeBytes, SslProtocols Protocol)> RetrieveAsync(FtpTestClient client, string command, string host)
    {
        using var socket = await client.OpenPassiveAsync();
        await client.ExpectAsync(command, 150);
        var counted = new CountingStream(new NetworkStream(socket, ownsSocket: false));
        await using var tls = await HandshakeAsync(counted, host);
        var handshake = counted.BytesRead;
        using var memory = new MemoryStream();
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        await tls.CopyToAsync(memory, cts.Token);
        await client.ExpectAsync(226);
        return (memory.ToArray(), handshake, tls.SslProtocol);
    }

    private static async Task<(long HandshakeBytes, SslProtocols Protocol)> StoreAsync(FtpTestClient client, string command, string host, byte[] content)
    {
        using var socket = await client.OpenPassiveAsync();
        await client.ExpectAsync(command, 150);
        var counted = new CountingStream(new NetworkStream(socket, ownsSocket: false));
        long handshake;
        SslProtocols protocol;
        await using (var tls = await HandshakeAsync(counted, host))
        {
            handshake = counted.BytesRead;
            protocol = tls.SslProtocol;
            using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
            await tls.WriteAsync(content, cts.Token);
            await tls.ShutdownAsync();
            // Read to the server's close_notify, as ftplib's unwrap() does.
            await tls.CopyToAsync(Stream.Null, cts.Token);
        }

        await client.ExpectAsync(226);
        return (handshake, protocol);
    }

    private static async Task<SslStream> HandshakeAsync(Stream inner, string host)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, static (_, certificate, _, _) => certificate?.Subject == "CN=localhost");
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, AllowTlsResume = true }, cts.Token);
        return ssl;
    }

    /// <summary>Counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
