using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace FtpWire;

/// <summary>
/// A raw FTP control connection: send a line, read a reply (single or multi-line, RFC 959 section 4.2), expect a
/// code; passive and active data connections (<c>FtpWireClient.Data.cs</c>); explicit and implicit TLS. The one wire
/// client of the functional tests (as <c>FtpTestClient</c>), the soak tests, the load tool and the fuzz harness.
/// Every socket operation is bounded by <see cref="Timeout"/> and the caller's token; a timeout is a
/// <see cref="FtpWireTimeoutException"/>. Replies are read line by line from a small buffer that grows up to
/// <see cref="FtpWireOptions.MaxLineLength"/>, so that tens of thousands of idle sessions stay cheap.
/// </summary>
public sealed partial class FtpWireClient : IAsyncDisposable, IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private static readonly FtpWireOptions Defaults = new();
    private readonly Socket _socket;
    private readonly FtpWireOptions _options;
    private readonly IPEndPoint _server;
    private byte[] _buffer;
    private Stream _stream;
    private int _start;
    private int _end;
    private bool _disposed;

    private FtpWireClient(Socket socket, FtpWireOptions options)
    {
        _socket = socket;
        _options = options;
        _server = (IPEndPoint)socket.RemoteEndPoint!;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _buffer = new byte[Math.Max(16, Math.Min(options.BufferSize, options.MaxLineLength))];
        Timeout = options.Timeout;
    }

    /// <summary>The control connection's socket.</summary>
    public Socket Socket => _socket;

    /// <summary>What the control connection is read from and written to: the socket's stream, or TLS over it.</summary>
    public Stream Stream => _stream;

    /// <summary>The server's end of the control connection; passive data connections go to its address.</summary>
    public IPEndPoint Server => _server;

    /// <summary>Bound on each socket operation; starts as <see cref="FtpWireOptions.Timeout"/>.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>Whether the control connection runs over TLS.</summary>
    public bool IsSecure => _stream is SslStream;

    /// <summary>Connects to 127.0.0.1 (or <paramref name="address"/>) on <paramref name="port"/>, by default reading the 220 greeting.</summary>
    public static Task<FtpWireClient> ConnectAsync(int port, IPAddress? address = null, bool expectGreeting = true, IPAddress? source = null, int? receiveBufferSize = null)
        => ConnectAsync(
            new IPEndPoint(address ?? IPAddress.Loopback, port),
            Defaults with { ExpectGreeting = expectGreeting, Source = source, ReceiveBufferSize = receiveBufferSize });

    /// <summary>Connects (from <see cref="FtpWireOptions.Source"/> when set) and, unless told not to, reads the greeting.</summary>
    public static async Task<FtpWireClient> ConnectAsync(IPEndPoint server, FtpWireOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= Defaults;
        var socket = CreateSocket(server.AddressFamily, options.Source);
        try
        {
            socket.NoDelay = options.NoDelay;
            if (options.ReceiveBufferSize is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            using (var cts = Bounded(options.Timeout, cancellationToken))
            {
                try
                {
                    await socket.ConnectAsync(server, cts.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new FtpWireTimeoutException($"connect to {server} took longer than {Seconds(options.Timeout)} s");
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new FtpWireClient(socket, options);
        if (options.ExpectGreeting)
        {
            try
            {
                await client.ExpectGreetingAsync(cancellationToken);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        return client;
    }

    /// <summary>Connects to an implicit-FTPS endpoint: TLS first, then the greeting.</summary>
    public static async Task<FtpWireClient> ConnectImplicitAsync(int port, CancellationToken cancellationToken = default)
    {
        var client = await ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Defaults with { ExpectGreeting = false }, cancellationToken);
        try
        {
            await client.UpgradeToTlsAsync(cancellationToken);
            await client.ExpectGreetingAsync(cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Connects to 127.0.0.1 on <paramref name="port"/> and logs in: USER must get 331, PASS 230.</summary>
    public static async Task<FtpWireClient> LoginAsync(int port, string user = "alice", string password = "secret")
    {
        var client = await ConnectAsync(port);
        await client.ExpectAsync($"USER {user}", 331);
        await client.ExpectAsync($"PASS {password}", 230);
        return client;
    }

    /// <summary>USER, then PASS when asked for (331); throws <see cref="FtpReplyException"/> unless the session is logged in (230).</summary>
    public async Task LoginAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("USER " + user, cancellationToken);
        if (reply.Code == 331)
        {
            reply = await CommandAsync("PASS " + password, cancellationToken);
        }

        if (reply.Code != 230)
        {
            throw FtpReplyException.Unexpected("login", "230", reply);
        }
    }

    /// <summary>Sends one command line; CRLF is added.</summary>
    public Task SendAsync(string line, CancellationToken cancellationToken = default)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(line) + 2];
        var length = Encoding.UTF8.GetBytes(line, bytes);
        bytes[length] = (byte)'\r';
        bytes[length + 1] = (byte)'\n';
        return WriteAsync(bytes, line, cancellationToken);
    }

    /// <summary>Sends bytes as they are (through TLS when it is on).</summary>
    public Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken = default) => WriteAsync(bytes, null, cancellationToken);

    /// <summary>Sends bytes as TCP urgent data (the Telnet Synch of RFC 959's ABOR); plain connections only.</summary>
    public async Task SendUrgentAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        if (IsSecure)
        {
            throw new InvalidOperationException("Urgent data cannot go through TLS.");
        }

        using var cts = Bounded(Timeout, cancellationToken);
        try
        {
            for (var offset = 0; offset < bytes.Length;)
            {
                offset += await _socket.SendAsync(bytes.AsMemory(offset), SocketFlags.OutOfBand, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FtpWireTimeoutException($"sending urgent data took longer than {Seconds(Timeout)} s");
        }
    }

    /// <summary>Sends a command and reads its reply.</summary>
    public async Task<FtpReply> CommandAsync(string line, CancellationToken cancellationToken = default)
    {
        await SendAsync(line, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>Sends a command; throws <see cref="FtpReplyException"/> unless the reply has <paramref name="code"/>.</summary>
    public async Task<FtpReply> ExpectAsync(string line, int code, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync(line, cancellationToken);
        return reply.Code == code ? reply : throw FtpReplyException.Unexpected($"'{line}'", code.ToString(System.Globalization.CultureInfo.InvariantCulture), reply);
    }

    /// <summary>Reads a reply; throws <see cref="FtpReplyException"/> unless it has <paramref name="code"/>.</summary>
    public async Task<FtpReply> ExpectAsync(int code, CancellationToken cancellationToken = default)
    {
        var reply = await ReadReplyAsync(cancellationToken);
        return reply.Code == code ? reply : throw FtpReplyException.Unexpected("reply", code.ToString(System.Globalization.CultureInfo.InvariantCulture), reply);
    }

    /// <summary>Sends a command; throws <see cref="FtpReplyException"/> unless the reply is 2xx. The message names only the verb.</summary>
    public async Task<FtpReply> ExpectCompletionAsync(string line, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync(line, cancellationToken);
        return reply.IsCompletion ? reply : throw FtpReplyException.Unexpected(Verb(line), "2xx", reply);
    }

    /// <summary>
    /// Reads one reply, single- or multi-line (RFC 959 section 4.2). Throws <see cref="IOException"/> when the
    /// connection closes first, <see cref="InvalidDataException"/> when what comes is not a reply.
    /// </summary>
    public async Task<FtpReply> ReadReplyAsync(CancellationToken cancellationToken = default)
    {
        var first = await ReadLineCoreAsync(cancellationToken) ?? throw new IOException("The server closed the control connection before a reply.");
        if (!FtpWireParser.TryParseCode(first, _options.Strict, out var code))
        {
            throw new InvalidDataException($"Not a reply line: '{FtpWireParser.Shorten(first)}'");
        }

        if (first.Length < 4 || first[3] != '-')
        {
            return new FtpReply(code, [first]);
        }

        var lines = new List<string> { first };
        var characters = first.Length;
        while (true)
        {
            if (lines.Count >= _options.MaxReplyLines || characters > _options.MaxReplyBytes)
            {
                throw new InvalidDataException($"A {code} multi-line reply is longer than {_options.MaxReplyLines} lines or {_options.MaxReplyBytes} characters.");
            }

            var line = await ReadLineCoreAsync(cancellationToken) ?? throw new IOException("The server closed the control connection inside a multi-line reply.");
            lines.Add(line);
            characters += line.Length + 1;
            if (FtpWireParser.EndsMultiline(line, first))
            {
                return new FtpReply(code, lines);
            }
        }
    }

    /// <summary>Reads one line without its line end; null when the server closed or reset the connection.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadLineCoreAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return null;
        }
    }

    /// <summary>Reads until the server closes the connection: true when it closed, false when it reset it. Fails on timeout.</summary>
    public async Task<bool> ExpectClosedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await ReadLineCoreAsync(cancellationToken) is not null)
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return false;
        }
    }

    /// <summary>Starts TLS on the control connection (after 234, or at once for implicit FTPS).</summary>
    public async Task UpgradeToTlsAsync(CancellationToken cancellationToken = default)
    {
        _stream = await ClientTlsAsync(_stream, Timeout, cancellationToken);
    }

    /// <summary>Starts TLS on the control connection and presents <paramref name="clientCertificate"/> when the server asks for one.</summary>
    public async Task UpgradeToTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate, CancellationToken cancellationToken = default)
    {
        _stream = await ClientTlsAsync(_stream, clientCertificate, Timeout, cancellationToken);
    }

    /// <summary>
    /// Starts TLS, or, when the server refuses or drops the handshake, goes on over the plain connection (what is
    /// left of it): false then.
    /// </summary>
    public async Task<bool> TryUpgradeToTlsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _stream = await ClientTlsAsync(_stream, Timeout, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            _stream = new NetworkStream(_socket, ownsSocket: false);
            return false;
        }
    }

    /// <summary>
    /// The client side of a TLS handshake over <paramref name="inner"/>, bounded by <paramref name="timeout"/>
    /// (<see cref="DefaultTimeout"/> when not given). It accepts the tests' self-signed certificate, CN=localhost,
    /// whatever its chain. A failed handshake disposes <paramref name="inner"/>.
    /// </summary>
    public static Task<SslStream> ClientTlsAsync(Stream inner, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => ClientTlsAsync(inner, clientCertificate: null, timeout, cancellationToken);

    /// <summary>As <see cref="ClientTlsAsync(Stream, TimeSpan?, CancellationToken)"/>, presenting <paramref name="clientCertificate"/> (with its key) when asked for one.</summary>
    public static async Task<SslStream> ClientTlsAsync(
        Stream inner, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, static (_, certificate, _, _) => certificate?.Subject == "CN=localhost");
        var bound = timeout ?? DefaultTimeout;
        using var cts = Bounded(bound, cancellationToken);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificateContext = clientCertificate is null ? null : SslStreamCertificateContext.Create(clientCertificate, additionalCertificates: null, offline: true),
            }, cts.Token);
            return ssl;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            throw new FtpWireTimeoutException($"the TLS handshake took longer than {Seconds(bound)} s");
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>QUIT, its reply if it comes within <paramref name="wait"/>, then close. Never throws.</summary>
    public async Task QuitAsync(TimeSpan wait)
    {
        try
        {
            Timeout = wait < Timeout ? wait : Timeout;
            await CommandAsync("QUIT", CancellationToken.None);
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException or ObjectDisposedException or OperationCanceledException)
        {
            // the session ends either way
        }

        Dispose();
    }

    /// <summary>Half-closes: the server reads the end of the input, the client can still read.</summary>
    public void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>A graceful close: FIN after anything still queued.</summary>
    public void Close()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            _socket.Dispose();
        }
    }

    /// <summary>An abortive close: linger 0, the server sees a reset.</summary>
    public void Reset()
    {
        if (!_disposed)
        {
            _disposed = true;
            Reset(_socket);
        }
    }

    /// <summary>Closes the socket at once (no shutdown first).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _socket.Dispose();
        }
    }

    /// <summary>Shuts the socket down both ways, then closes it.</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private async Task ExpectGreetingAsync(CancellationToken cancellationToken)
    {
        var greeting = await ReadReplyAsync(cancellationToken);
        for (var i = 0; i < 5 && greeting.Code == 120; i++)
        {
            greeting = await ReadReplyAsync(cancellationToken);
        }

        if (greeting.Code != 220)
        {
            throw FtpReplyException.Unexpected("greeting", "220", greeting);
        }
    }

    private async Task WriteAsync(byte[] bytes, string? line, CancellationToken cancellationToken)
    {
        using var cts = Bounded(Timeout, cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FtpWireTimeoutException($"sending {(line is null ? $"{bytes.Length} bytes" : $"'{Verb(line)}'")} took longer than {Seconds(Timeout)} s");
        }
    }

    /// <summary>One line from the buffer, reading more as needed; null at a clean end of the stream.</summary>
    private async ValueTask<string?> ReadLineCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                return TakeLine(lf);
            }

            MakeRoom();
            using var cts = Bounded(Timeout, cancellationToken);
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new FtpWireTimeoutException($"no reply within {Seconds(Timeout)} s");
            }

            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    private string TakeLine(int lf)
    {
        var length = lf - _start;
        var crlf = length > 0 && _buffer[lf - 1] == (byte)'\r';
        if (!crlf && _options.Strict)
        {
            throw new InvalidDataException($"A reply line does not end with CRLF: '{FtpWireParser.Shorten(Encoding.UTF8.GetString(_buffer, _start, length))}'");
        }

        var line = Encoding.UTF8.GetString(_buffer, _start, crlf ? length - 1 : length);
        _start = lf + 1;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return line;
    }

    /// <summary>Moves what is left to the front and grows the buffer when it is full, up to the line limit.</summary>
    private void MakeRoom()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _options.MaxLineLength)
            {
                throw new InvalidDataException($"A reply line is longer than {_options.MaxLineLength} bytes.");
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _options.MaxLineLength));
        }
    }

    /// <summary>A token cancelled by <paramref name="cancellationToken"/> or after <paramref name="timeout"/>.</summary>
    private static CancellationTokenSource Bounded(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        return cts;
    }

    private static string Verb(string line) => line.Split(' ', 2)[0];

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
