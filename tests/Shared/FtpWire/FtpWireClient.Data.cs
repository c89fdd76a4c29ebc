using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FtpWire;

/// <summary>Data connections: passive (EPSV/PASV) and active (PORT/EPRT), transfers, and the load tool's measured transfers.</summary>
public sealed partial class FtpWireClient
{
    /// <summary>EPSV (or PASV), then the data connection to the port it names, on the control connection's server address.</summary>
    public async Task<Socket> OpenPassiveAsync(bool extended = true, CancellationToken cancellationToken = default)
    {
        var reply = await ExpectAsync(extended ? "EPSV" : "PASV", extended ? 229 : 227, cancellationToken);
        return await ConnectPassiveAsync(reply, cancellationToken);
    }

    /// <summary>The data connection a 227 or 229 reply announced: its port, on the control connection's server address.</summary>
    public Task<Socket> ConnectPassiveAsync(FtpReply reply, CancellationToken cancellationToken = default)
        => ConnectDataAsync(new IPEndPoint(_server.Address, FtpWireParser.ParsePassivePort(reply)), _options.Source, Timeout, cancellationToken);

    /// <summary>A TCP connection to <paramref name="endPoint"/> (from <paramref name="source"/> when given), within <paramref name="timeout"/>.</summary>
    public static async Task<Socket> ConnectDataAsync(IPEndPoint endPoint, IPAddress? source, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var data = CreateSocket(endPoint.AddressFamily, source);
        try
        {
            using var cts = Bounded(timeout, cancellationToken);
            await data.ConnectAsync(endPoint, cts.Token);
            return data;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            data.Dispose();
            throw new FtpWireTimeoutException($"data connection to {endPoint} took longer than {Seconds(timeout)} s");
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Listens on the control connection's local address and announces it with PORT (EPRT when <paramref name="extended"/>
    /// or over IPv6), which must get 200. The server connects to it once a transfer starts.
    /// </summary>
    public async Task<FtpActiveListener> OpenActiveAsync(bool extended = false, CancellationToken cancellationToken = default)
    {
        var local = (IPEndPoint)_socket.LocalEndPoint!;
        var listener = FtpActiveListener.Listen(local.Address);
        listener.Timeout = Timeout;
        try
        {
            var command = extended || local.AddressFamily != AddressFamily.InterNetwork
                ? FtpWireParser.EprtCommand(listener.EndPoint)
                : FtpWireParser.PortCommand(listener.EndPoint);
            await ExpectAsync(command, 200, cancellationToken);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Passive download (or listing): returns the bytes and checks 150 then 226.</summary>
    public async Task<byte[]> RetrieveAsync(string command, bool extended = true, CancellationToken cancellationToken = default)
    {
        using var data = await OpenPassiveAsync(extended, cancellationToken);
        await ExpectAsync(command, 150, cancellationToken);
        var bytes = await ReadAllAsync(data, cancellationToken: cancellationToken);
        await ExpectAsync(226, cancellationToken);
        return bytes;
    }

    /// <summary>Passive upload: sends <paramref name="content"/>, closes, checks 150 then 226.</summary>
    public async Task StoreAsync(string command, byte[] content, bool extended = true, CancellationToken cancellationToken = default)
    {
        using var data = await OpenPassiveAsync(extended, cancellationToken);
        await ExpectAsync(command, 150, cancellationToken);
        await SendAllAsync(data, content, cancellationToken);
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ExpectAsync(226, cancellationToken);
    }

    /// <summary>A passive listing as text.</summary>
    public async Task<string> ListAsync(string command = "LIST", CancellationToken cancellationToken = default)
        => Encoding.UTF8.GetString(await RetrieveAsync(command, cancellationToken: cancellationToken));

    /// <summary>Everything the data connection carries until its end, within <paramref name="timeout"/> (<see cref="DefaultTimeout"/>) in all.</summary>
    public static async Task<byte[]> ReadAllAsync(Socket socket, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var cts = Bounded(timeout ?? DefaultTimeout, cancellationToken);
        using var memory = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                memory.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return memory.ToArray();
    }

    /// <summary>Reads into <paramref name="buffer"/> and discards until the end of the data connection; returns the byte count. The caller bounds it.</summary>
    public static async Task<long> DrainAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        long total = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Reads and discards until the end of <paramref name="stream"/> (a data connection, perhaps under TLS). The caller bounds it.</summary>
    public static async Task<long> DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends all of <paramref name="content"/> on a data connection, within four times <see cref="DefaultTimeout"/>.</summary>
    public static Task SendAllAsync(Socket socket, byte[] content) => SendAllAsync(socket, content, CancellationToken.None);

    /// <summary>Sends all of <paramref name="content"/>, in pieces of at most 1 MiB, within four times <see cref="DefaultTimeout"/> and the caller's token.</summary>
    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var cts = Bounded(DefaultTimeout * 4, cancellationToken);
        var offset = 0;
        while (offset < content.Length)
        {
            offset += await socket.SendAsync(content.Slice(offset, Math.Min(1 << 20, content.Length - offset)), SocketFlags.None, cts.Token);
        }
    }

    /// <summary>
    /// A measured download: PASV, the command, its 1xx reply, then the data to the end into <paramref name="buffer"/>
    /// (handed to <paramref name="sink"/> when given), then the 2xx reply. Returns the bytes received. One token source
    /// for the whole transfer, re-armed per receive: nothing is allocated per chunk.
    /// </summary>
    public async Task<long> DownloadAsync(string command, byte[] buffer, Action<ReadOnlyMemory<byte>>? sink, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var data = await OpenPassiveAsync(extended: false, cancellationToken);
        await StartTransferAsync(command, cancellationToken);
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
                throw new FtpWireTimeoutException($"{command}: no data for {Seconds(Timeout)} s after {total} bytes");
            }
        }

        data.Close();
        return await EndTransferAsync(command, total, cancellationToken);
    }

    /// <summary>
    /// A measured upload: PASV, the command, its 1xx reply, <paramref name="size"/> bytes taken round from
    /// <paramref name="pattern"/>, end of data, then the 2xx reply. Returns the bytes sent.
    /// </summary>
    public async Task<long> UploadAsync(string command, ReadOnlyMemory<byte> pattern, long size, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var data = await OpenPassiveAsync(extended: false, cancellationToken);
        await StartTransferAsync(command, cancellationToken);
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
                throw new FtpWireTimeoutException($"{command}: could not send for {Seconds(Timeout)} s after {sent} bytes");
            }
        }

        data.Shutdown(SocketShutdown.Send);
        data.Close();
        return await EndTransferAsync(command, sent, cancellationToken);
    }

    /// <summary>An abortive close of any socket: linger 0, the peer sees a reset.</summary>
    public static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    /// <summary>A TCP socket, bound to <paramref name="source"/> when given (on Linux its port is chosen at connect).</summary>
    internal static Socket CreateSocket(AddressFamily family, IPAddress? source)
    {
        var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        if (source is null)
        {
            return socket;
        }

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

        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task StartTransferAsync(string command, CancellationToken cancellationToken)
    {
        var start = await CommandAsync(command, cancellationToken);
        if (!start.IsPreliminary)
        {
            throw FtpReplyException.Unexpected(Verb(command), "1xx", start);
        }
    }

    private async Task<long> EndTransferAsync(string command, long bytes, CancellationToken cancellationToken)
    {
        var end = await ReadReplyAsync(cancellationToken);
        return end.IsCompletion ? bytes : throw FtpReplyException.Unexpected(Verb(command) + " end", "2xx", end);
    }
}
