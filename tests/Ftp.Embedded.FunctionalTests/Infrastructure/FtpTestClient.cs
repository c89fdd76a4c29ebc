using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>
/// A raw FTP control connection for tests: send a line, expect a reply code. Every read is bounded by a timeout,
/// so a server that does not answer fails the test instead of hanging it.
/// </summary>
public sealed partial class FtpTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    private FtpTestClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>Whether the control connection runs over TLS.</summary>
    public bool IsSecure => _stream is System.Net.Security.SslStream;

    /// <summary>Starts TLS on the control connection (after 234, or at once for implicit FTPS).</summary>
    public async Task UpgradeToTlsAsync()
    {
        _stream = await ClientTlsAsync(_stream);
    }

    /// <summary>The client side of a TLS handshake that accepts the test's self-signed certificate.</summary>
    public static async Task<System.Net.Security.SslStream> ClientTlsAsync(Stream inner)
    {
        var ssl = new System.Net.Security.SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate?.Subject == "CN=localhost");
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token);
        return ssl;
    }

    /// <summary>Connects to an implicit-FTPS endpoint: TLS first, then the greeting.</summary>
    public static async Task<FtpTestClient> ConnectImplicitAsync(int port)
    {
        var client = await ConnectAsync(port, expectGreeting: false);
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync(220);
        return client;
    }

    public Socket Socket => _socket;

    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    public static async Task<FtpTestClient> ConnectAsync(int port, IPAddress? address = null, bool expectGreeting = true, IPAddress? source = null, int? receiveBufferSize = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        if (source is not null)
        {
            socket.Bind(new IPEndPoint(source, 0));
        }

        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(new IPEndPoint(address ?? IPAddress.Loopback, port), cts.Token);
        var client = new FtpTestClient(socket);
        if (expectGreeting)
        {
            await client.ExpectAsync(220);
        }

        return client;
    }

    public static async Task<FtpTestClient> LoginAsync(int port, string user = "alice", string password = "secret")
    {
        var client = await ConnectAsync(port);
        await client.ExpectAsync($"USER {user}", 331);
        await client.ExpectAsync($"PASS {password}", 230);
        return client;
    }

    public async Task SendAsync(string line)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cts.Token);
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    public async Task<FtpReply> CommandAsync(string line)
    {
        await SendAsync(line);
        return await ReadReplyAsync();
    }

    public async Task<FtpReply> ExpectAsync(string line, int code)
    {
        var reply = await CommandAsync(line);
        reply.Code.Should().Be(code, $"'{line}' should get {code}, got: {reply.All}");
        return reply;
    }

    public async Task<FtpReply> ExpectAsync(int code)
    {
        var reply = await ReadReplyAsync();
        reply.Code.Should().Be(code, $"expected {code}, got: {reply.All}");
        return reply;
    }

    /// <summary>Reads one reply, single- or multi-line (RFC 959 section 4.2).</summary>
    public async Task<FtpReply> ReadReplyAsync()
    {
        var first = await ReadLineAsync() ?? throw new IOException("Connection closed before a reply.");
        var match = ReplyLine().Match(first);
        if (!match.Success)
        {
            throw new InvalidDataException($"Not a reply line: '{first}'");
        }

        var lines = new List<string> { first };
        if (first[3] == '-')
        {
            var end = first[..3] + " ";
            while (true)
            {
                var line = await ReadLineAsync() ?? throw new IOException("Connection closed inside a multi-line reply.");
                lines.Add(line);
                if (line.StartsWith(end, StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        return new FtpReply(int.Parse(first[..3], System.Globalization.CultureInfo.InvariantCulture), lines);
    }

    /// <summary>Reads one CRLF line; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, lf - _start);
                _start = lf + 1;
                line.Should().EndWith("\r", "every reply line ends with CRLF");
                return line.TrimEnd('\r');
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Waits until the server closes the connection; fails on timeout.</summary>
    public async Task ExpectClosedAsync()
    {
        while (await ReadLineAsync() is not null)
        {
        }
    }

    /// <summary>EPSV or PASV, then connects the data socket.</summary>
    public async Task<Socket> OpenPassiveAsync(bool extended = true)
    {
        int port;
        if (extended)
        {
            var reply = await ExpectAsync("EPSV", 229);
            port = int.Parse(EpsvPort().Match(reply.Text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            var reply = await ExpectAsync("PASV", 227);
            var m = PasvAddress().Match(reply.Text);
            port = (int.Parse(m.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture) << 8)
                   + int.Parse(m.Groups[6].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var data = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(Timeout);
        await data.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        return data;
    }

    /// <summary>Passive download (or listing): returns the bytes and checks 150 then 226.</summary>
    public async Task<byte[]> RetrieveAsync(string command, bool extended = true)
    {
        using var data = await OpenPassiveAsync(extended);
        await ExpectAsync(command, 150);
        var bytes = await ReadAllAsync(data);
        await ExpectAsync(226);
        return bytes;
    }

    /// <summary>Passive upload: sends <paramref name="content"/>, closes, checks 150 then 226.</summary>
    public async Task StoreAsync(string command, byte[] content, bool extended = true)
    {
        using var data = await OpenPassiveAsync(extended);
        await ExpectAsync(command, 150);
        await SendAllAsync(data, content);
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ExpectAsync(226);
    }

    public async Task<string> ListAsync(string command = "LIST") => Encoding.UTF8.GetString(await RetrieveAsync(command));

    public static async Task<byte[]> ReadAllAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        using var memory = new MemoryStream();
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            memory.Write(buffer, 0, read);
        }

        return memory.ToArray();
    }

    public static async Task SendAllAsync(Socket socket, byte[] content)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout * 4);
        var offset = 0;
        while (offset < content.Length)
        {
            offset += await socket.SendAsync(content.AsMemory(offset, Math.Min(1 << 20, content.Length - offset)), SocketFlags.None, cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        await Task.CompletedTask;
    }

    [GeneratedRegex(@"^\d{3}[ -]")]
    private static partial Regex ReplyLine();

    [GeneratedRegex(@"\(\|\|\|(\d+)\|\)")]
    private static partial Regex EpsvPort();

    [GeneratedRegex(@"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)")]
    private static partial Regex PasvAddress();
}
