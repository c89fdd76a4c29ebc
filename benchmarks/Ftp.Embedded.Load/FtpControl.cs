using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ftp.Embedded.Load;

/// <summary>One FTP reply: the code and the text of all its lines.</summary>
internal readonly record struct FtpReply(int Code, string Text)
{
    public bool IsPreliminary => Code is >= 100 and < 200;

    public bool IsCompletion => Code is >= 200 and < 300;

    public string FirstLine => Text.Split('\n', 2)[0].TrimEnd('\r');

    public override string ToString() => FirstLine;
}

/// <summary>The server answered something other than what the step needed.</summary>
internal sealed class FtpReplyException(string step, FtpReply reply)
    : Exception($"{step}: {reply.FirstLine}")
{
    public FtpReply Reply { get; } = reply;
}

/// <summary>
/// A raw FTP control connection over a socket: replies are read line by line from a small growable buffer (so that
/// tens of thousands of idle sessions stay cheap), every socket operation has a timeout, and data connections are
/// passive (PASV, to the address of the control connection, as Python's ftplib does).
/// </summary>
internal sealed class FtpControl : IDisposable
{
    private const int MaxReplyBytes = 1024 * 1024;
    private const int MaxReplyLines = 10_000;

    private readonly Socket _socket;
    private readonly IPEndPoint _server;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _disposed;

    private FtpControl(Socket socket, IPEndPoint server, TimeSpan timeout, int bufferSize)
    {
        _socket = socket;
        _server = server;
        Timeout = timeout;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Seconds each socket operation may take.</summary>
    public TimeSpan Timeout { get; set; }

    public IPEndPoint Server => _server;

    /// <summary>Connects (from <paramref name="local"/> when given) and reads the greeting.</summary>
    public static async Task<FtpControl> ConnectAsync(IPEndPoint server, IPAddress? local, TimeSpan timeout, CancellationToken cancellationToken, int bufferSize = 1024)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (local is not null)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(timeout);
                try
                {
                    await socket.ConnectAsync(server, cts.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"connect to {server} took longer than {timeout.TotalSeconds:0.#} s");
                }
            }

            var control = new FtpControl(socket, server, timeout, bufferSize);
            try
            {
                var greeting = await control.ReadReplyAsync(cancellationToken);
                for (var i = 0; i < 5 && greeting.Code == 120; i++)
                {
                    greeting = await control.ReadReplyAsync(cancellationToken);
                }

                return greeting.Code == 220 ? control : throw new FtpReplyException("greeting", greeting);
            }
            catch
            {
                control.Dispose();
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>USER, then PASS when asked for; throws unless the session is logged in (230).</summary>
    public async Task LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("USER " + user, cancellationToken);
        if (reply.Code == 331)
        {
            reply = await CommandAsync("PASS " + password, cancellationToken);
        }

        if (reply.Code != 230)
        {
            throw new FtpReplyException("login", reply);
        }
    }

    public async Task<FtpReply> CommandAsync(string line, CancellationToken cancellationToken)
    {
        await SendLineAsync(line, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>Sends a command and throws unless the reply is 2xx (or <paramref name="expect"/>).</summary>
    public async Task<FtpReply> ExpectAsync(string line, CancellationToken cancellationToken, int expect = 0)
    {
        var reply = await CommandAsync(line, cancellationToken);
        var ok = expect == 0 ? reply.IsCompletion : reply.Code == expect;
        return ok ? reply : throw new FtpReplyException(line.Split(' ', 2)[0], reply);
    }

    public async Task SendLineAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        var sent = 0;
        try
        {
            while (sent < bytes.Length)
            {
                sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"sending '{line.Split(' ', 2)[0]}' took longer than {Timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Reads one reply, single- or multi-line (RFC 959 4.2).</summary>
    public async Task<FtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLineAsync(cancellationToken);
        if (first.Length < 3 || !int.TryParse(first.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new InvalidDataException($"not an FTP reply: '{Shorten(first)}'");
        }

        if (first.Length < 4 || first[3] != '-')
        {
            return new FtpReply(code, first);
        }

        var text = new StringBuilder(first);
        var prefix = first[..3] + " ";
        for (var lines = 1; ; lines++)
        {
            if (lines > MaxReplyLines || text.Length > MaxReplyBytes)
            {
                throw new InvalidDataException("multi-line reply too long");
            }

            var line = await ReadLineAsync(cancellationToken);
            text.Append('\n').Append(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new FtpReply(code, text.ToString());
            }
        }
    }

    /// <summary>PASV, then a connection to the port it names on the control connection's server address.</summary>
    public async Task<Socket> OpenPassiveAsync(CancellationToken cancellationToken)
    {
        var reply = await ExpectAsync("PASV", cancellationToken, 227);
        var endPoint = new IPEndPoint(_server.Address, ParsePasvPort(reply.FirstLine));
        var data = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(Timeout);
            await data.ConnectAsync(endPoint, cts.Token);
            return data;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            data.Dispose();
            throw new TimeoutException($"data connection to {endPoint} took longer than {Timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A download: PASV, the command, its 1xx reply, then the data to the end into <paramref name="buffer"/> (handed
    /// to <paramref name="sink"/> when given), then the 2xx reply. Returns the bytes received.
    /// </summary>
    public async Task<long> ReceiveAsync(string command, byte[] buffer, Action<ReadOnlyMemory<byte>>? sink, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var data = await OpenPassiveAsync(cancellationToken);
        var start = await CommandAsync(command, cancellationToken);
        if (!start.IsPreliminary)
        {
            throw new FtpReplyException(command.Split(' ', 2)[0], start);
        }

        long total = 0;
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            try
            {
                while (true)
                {
                    cts.CancelAfter(Timeout);
                    var n = await data.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                    sink?.Invoke(buffer.AsMemory(0, n));
                    if (Environment.TickCount64 > deadline)
                    {
                        throw new TimeoutException($"{command} exceeded {limit.TotalSeconds:0} s after {total} bytes");
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{command}: no data for {Timeout.TotalSeconds:0.#} s after {total} bytes");
            }
        }

        data.Close();
        var end = await ReadReplyAsync(cancellationToken);
        return end.IsCompletion ? total : throw new FtpReplyException(command.Split(' ', 2)[0] + " end", end);
    }

    /// <summary>
    /// An upload: PASV, the command, its 1xx reply, <paramref name="size"/> bytes taken round from
    /// <paramref name="pattern"/>, end of data, then the 2xx reply. Returns the bytes sent.
    /// </summary>
    public async Task<long> SendAsync(string command, ReadOnlyMemory<byte> pattern, long size, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var data = await OpenPassiveAsync(cancellationToken);
        var start = await CommandAsync(command, cancellationToken);
        if (!start.IsPreliminary)
        {
            throw new FtpReplyException(command.Split(' ', 2)[0], start);
        }

        long sent = 0;
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            try
            {
                while (sent < size)
                {
                    cts.CancelAfter(Timeout);
                    var chunk = pattern[..(int)Math.Min(pattern.Length, size - sent)];
                    sent += await data.SendAsync(chunk, SocketFlags.None, cts.Token);
                    if (Environment.TickCount64 > deadline)
                    {
                        throw new TimeoutException($"{command} exceeded {limit.TotalSeconds:0} s after {sent} bytes");
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{command}: could not send for {Timeout.TotalSeconds:0.#} s after {sent} bytes");
            }
        }

        data.Shutdown(SocketShutdown.Send);
        data.Close();
        var end = await ReadReplyAsync(cancellationToken);
        return end.IsCompletion ? sent : throw new FtpReplyException(command.Split(' ', 2)[0] + " end", end);
    }

    /// <summary>QUIT, its reply if it comes within <paramref name="wait"/>, then close. Never throws.</summary>
    public async Task QuitAsync(TimeSpan wait)
    {
        try
        {
            var saved = Timeout;
            Timeout = wait < saved ? wait : saved;
            await CommandAsync("QUIT", CancellationToken.None);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or InvalidDataException or ObjectDisposedException or OperationCanceledException)
        {
            // the session ends either way
        }

        Dispose();
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _socket.Dispose();
        }
    }

    /// <summary>The port of a 227 reply: "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)".</summary>
    public static int ParsePasvPort(string reply)
    {
        var open = reply.IndexOf('(', StringComparison.Ordinal);
        var close = open < 0 ? -1 : reply.IndexOf(')', open);
        var inner = open >= 0 && close > open ? reply[(open + 1)..close] : reply[4..].Trim();
        var parts = inner.Split(',');
        if (parts.Length != 6
            || !int.TryParse(parts[4].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            || !int.TryParse(parts[5].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            || high > 255 || low > 255)
        {
            throw new InvalidDataException($"cannot parse PASV reply '{Shorten(reply)}'");
        }

        return (high << 8) | low;
    }

    /// <summary>The directory of a 257 reply ("257 "/dir" is current directory"), doubled quotes undone.</summary>
    public static string ParsePwd(string reply)
    {
        var open = reply.IndexOf('"', StringComparison.Ordinal);
        if (open < 0)
        {
            throw new InvalidDataException($"cannot parse PWD reply '{Shorten(reply)}'");
        }

        var result = new StringBuilder();
        for (var i = open + 1; i < reply.Length; i++)
        {
            if (reply[i] == '"')
            {
                if (i + 1 < reply.Length && reply[i + 1] == '"')
                {
                    result.Append('"');
                    i++;
                    continue;
                }

                return result.ToString();
            }

            result.Append(reply[i]);
        }

        throw new InvalidDataException($"cannot parse PWD reply '{Shorten(reply)}'");
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                if (_start == _end)
                {
                    _start = _end = 0;
                }

                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                if (_buffer.Length >= 64 * 1024)
                {
                    throw new InvalidDataException("reply line longer than 64 KiB");
                }

                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(Timeout);
            int n;
            try
            {
                n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no reply within {Timeout.TotalSeconds:0.#} s");
            }

            if (n == 0)
            {
                throw new IOException("the server closed the control connection");
            }

            _end += n;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
