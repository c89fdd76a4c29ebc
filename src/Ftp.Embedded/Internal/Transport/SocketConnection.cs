using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>A control connection over a TCP socket: the only place that knows the socket of a control connection.</summary>
internal sealed class SocketConnection : FtpConnection
{
    private readonly Socket _socket;
    private int _disposed;

    private SocketConnection(Socket socket, bool implicitTls)
        : base(new NetworkStream(socket, ownsSocket: false), (IPEndPoint)socket.RemoteEndPoint!, (IPEndPoint)socket.LocalEndPoint!, implicitTls)
        => _socket = socket;

    /// <summary>Wraps an accepted socket, replies unbuffered (no Nagle delay); disposes the socket when that fails.</summary>
    public static SocketConnection? TryCreate(Socket socket, bool implicitTls)
    {
        try
        {
            socket.NoDelay = true;
            return new SocketConnection(socket, implicitTls);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            socket.Dispose(); // Gone before it could be served.
            return null;
        }
    }

    public override void EnableOutOfBandInline()
        => _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.OutOfBandInline, true);

    public override void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public override void Abort()
    {
        ShutdownBoth();
        _socket.Dispose();
    }

    public override async ValueTask DrainAsync(int maxBytes, TimeSpan timeout)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            for (var drained = 0; drained < maxBytes;)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(0, 4096), SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                drained += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        ShutdownBoth();
        try
        {
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private void ShutdownBoth()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
