using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ftp.Embedded.SoakTests;

/// <summary>A reply: its code and the text of its last line.</summary>
internal readonly record struct Reply(int Code, string Text)
{
    public override string ToString() => $"{Code} {Text}";
}

/// <summary>
/// A raw FTP control connection from a chosen local address: send a line, read a reply (single or multi-line). Every
/// operation takes a token; the caller bounds it.
/// </summary>
internal sealed class ControlConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;

    private ControlConnection(Socket socket, IPAddress local)
    {
        _socket = socket;
        LocalAddress = local;
    }

    public IPAddress LocalAddress { get; }

    public static async Task<ControlConnection> ConnectAsync(IPAddress local, IPEndPoint server, CancellationToken cancellationToken)
    {
        var socket = Connectable(local);
        try
        {
            await socket.ConnectAsync(server, cancellationToken);
            socket.NoDelay = true;
            return new ControlConnection(socket, local);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A TCP socket bound to <paramref name="local"/> (port chosen at connect where the kernel allows it).</summary>
    public static Socket Connectable(IPAddress local)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // IP_BIND_ADDRESS_NO_PORT: pick the port at connect time, by the full 4-tuple, so that thousands of
                // short connections from a few addresses do not run out of ports.
                socket.SetRawSocketOption(0, 24, BitConverter.GetBytes(1));
            }
            catch (SocketException)
            {
            }
        }

        socket.Bind(new IPEndPoint(local, 0));
        return socket;
    }

    public Task SendAsync(string line, CancellationToken cancellationToken) => SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken);

    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken, bool urgent = false)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            offset += await _socket.SendAsync(bytes.AsMemory(offset), urgent ? SocketFlags.OutOfBand : SocketFlags.None, cancellationToken);
        }
    }

    public async Task<Reply> CommandAsync(string line, CancellationToken cancellationToken)
    {
        await SendAsync(line, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>Reads one reply; throws <see cref="IOException"/> when the server closed the connection first.</summary>
    public async Task<Reply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLineAsync(cancellationToken) ?? throw new IOException("The server closed the control connection before a reply.");
        if (first.Length < 4 || !char.IsAsciiDigit(first[0]) || !char.IsAsciiDigit(first[1]) || !char.IsAsciiDigit(first[2]) || first[3] is not (' ' or '-'))
        {
            throw new InvalidDataException($"Not a reply line: '{first}'");
        }

        var last = first;
        if (first[3] == '-')
        {
            var end = first[..3] + " ";
            do
            {
                last = await ReadLineAsync(cancellationToken) ?? throw new IOException("The server closed the control connection inside a multi-line reply.");
            }
            while (!last.StartsWith(end, StringComparison.Ordinal));
        }

        return new Reply(int.Parse(first.AsSpan(0, 3), CultureInfo.InvariantCulture), last[4..]);
    }

    /// <summary>Reads until the server closes; true when it did (rather than reset the connection).</summary>
    public async Task<bool> ExpectClosedAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await ReadLineAsync(cancellationToken) is not null)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A graceful close: FIN after anything still queued.</summary>
    public void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
    }

    /// <summary>An abortive close: linger 0, the server sees a reset.</summary>
    public void Reset()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
    }

    public void Dispose() => _socket.Dispose();

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var length = lf - _start;
                if (length == 0 || _buffer[lf - 1] != (byte)'\r')
                {
                    throw new InvalidDataException("A reply line does not end with CRLF.");
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length - 1);
                _start = lf + 1;
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
                throw new InvalidDataException("A reply line is longer than the client's buffer.");
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }
}
