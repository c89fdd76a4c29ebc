using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// Protected data connections offer TLS session resumption: a client that resumes its previous data connection's
/// session gets an abbreviated handshake, without the certificate and the signature. Uploads stay on TLS 1.2 (no
/// session tickets after the handshake); a download takes TLS 1.3 when the client offers a TLS 1.3 session.
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
        var download = await RetrieveAsync(client, "RETR up.bin", host);

        TransferTests.SameBytes(await server.ReadFileAsync("/home/alice/up.bin"), content);
        TransferTests.SameBytes(await server.ReadFileAsync("/home/alice/up2.bin"), content);
        download.Bytes.Should().Equal(content);
        firstUpload.HandshakeBytes.Should().BeGreaterThan(CertificateBytes, "the first data connection has no session to resume");
        secondUpload.HandshakeBytes.Should().BeLessThan(CertificateBytes, "the second resumes the first's session: no certificate is sent");
        download.HandshakeBytes.Should().BeLessThan(CertificateBytes, "a download resumes the TLS 1.2 session the client offers");
        firstUpload.Protocol.Should().Be(SslProtocols.Tls12, "uploads stay on TLS 1.2");
        secondUpload.Protocol.Should().Be(SslProtocols.Tls12);
        download.Protocol.Should().Be(SslProtocols.Tls12);
    }

    [Fact]
    public async Task A_download_resumes_the_control_connections_TLS_1_3_session()
    {
        await using var server = await TestServer.StartAsync(o => o.Tls.Certificate = TestCertificate.Instance);
        var content = TransferTests.RandomBytes(4096, 17);
        await server.WriteFileAsync("/home/alice/small.bin", content);
        var host = $"control-{Guid.NewGuid():N}.test";
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), cts.Token);
        var plain = new NetworkStream(socket, ownsSocket: false);
        await ReplyAsync(plain, 220, cts.Token);
        await plain.WriteAsync("AUTH TLS\r\n"u8.ToArray(), cts.Token);
        await ReplyAsync(plain, 234, cts.Token);
        // The control connection's handshake with this test's own host name: the client keeps its TLS 1.3 session under it.
        await using var control = await HandshakeAsync(plain, host);
        control.SslProtocol.Should().Be(SslProtocols.Tls13);
        foreach (var (command, code) in new[] { ("USER alice", 331), ("PASS secret", 230), ("PBSZ 0", 200), ("PROT P", 200), ("TYPE I", 200) })
        {
            await control.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cts.Token);
            await ReplyAsync(control, code, cts.Token);
        }

        await control.WriteAsync("EPSV\r\n"u8.ToArray(), cts.Token);
        var epsv = await ReplyAsync(control, 229, cts.Token);
        var port = int.Parse(epsv.Split('|')[3], CultureInfo.InvariantCulture);
        using var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        await control.WriteAsync("RETR small.bin\r\n"u8.ToArray(), cts.Token);
        await ReplyAsync(control, 150, cts.Token);
        var counted = new CountingStream(new NetworkStream(data, ownsSocket: false));
        await using (var tls = await HandshakeAsync(counted, host))
        {
            counted.BytesRead.Should().BeLessThan(CertificateBytes, "the download resumes the control connection's session");
            tls.SslProtocol.Should().Be(SslProtocols.Tls13);
            using var memory = new MemoryStream();
            await tls.CopyToAsync(memory, cts.Token);
            memory.ToArray().Should().Equal(content);
        }

        await ReplyAsync(control, 226, cts.Token);
    }

    /// <summary>Reads one reply (single line, as these are) and checks its code.</summary>
    private static async Task<string> ReplyAsync(Stream stream, int code, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new EndOfStreamException($"closed after '{line}'");
            }

            line.Append((char)one[0]);
        }

        var text = line.ToString();
        text.Should().StartWith(code.ToString(CultureInfo.InvariantCulture) + " ");
        return text;
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
