using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Transport.Epoll;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>A control connection over a TCP socket: the only place that knows the socket of a control connection.</summary>
internal sealed class SocketConnection : FtpConnection
{
    /// <summary>
    /// The AppContext switch that keeps control connections on the runtime's own socket engine (a pool thread per
    /// completion) instead of the epoll event threads. For diagnosis; the epoll transport is used on Linux otherwise.
    /// </summary>
    public const string RuntimeSocketsSwitch = "Ftp.Embedded.Transport.UseRuntimeSockets";

    private readonly Socket _socket;
    private readonly EpollSocketStream? _epoll;
    private int _disposed;

    private SocketConnection(Socket socket, Stream stream, bool implicitTls)
        : base(stream, (IPEndPoint)socket.RemoteEndPoint!, (IPEndPoint)socket.LocalEndPoint!, implicitTls)
    {
        _socket = socket;
        _epoll = stream as EpollSocketStream;
    }

    /// <summary>Whether new control connections use the epoll transport: on Linux unless the switch says otherwise.</summary>
    public static bool UseEpoll { get; } =
        !(AppContext.TryGetSwitch(RuntimeSocketsSwitch, out var runtimeSockets) && runtimeSockets) && EpollEngine.IsSupported;

    public override bool InlineReads
    {
        set
        {
            if (_epoll is not null)
            {
                _epoll.InlineReads = value;
            }
        }
    }

    /// <summary>Wraps an accepted socket, replies unbuffered (no Nagle delay); disposes the socket when that fails.</summary>
    public static SocketConnection? TryCreate(Socket socket, bool implicitTls)
    {
        Stream? stream = null;
        try
        {
            if (socket.RemoteEndPoint is not IPEndPoint || socket.LocalEndPoint is not IPEndPoint)
            {
                socket.Dispose(); // Reset while it waited in the queue: it has no peer any more.
                return null;
            }

            socket.NoDelay = true;
            stream = (UseEpoll ? EpollSocketStream.TryCreate(socket) : null) ?? (Stream)new NetworkStream(socket, ownsSocket: false);
            return new SocketConnection(socket, stream, implicitTls);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            stream?.Dispose(); // Out of the event thread's set, while the descriptor is still open.
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
        _epoll?.Dispose();
        _socket.Dispose();
    }

    public override async ValueTask DrainAsync(int maxBytes, TimeSpan timeout)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        if (_epoll is not null)
        {
            // A caller that may stay on the event thread (the end of a session that blocks on nothing) is resumed there.
            _epoll.InlineReads = IoThread.IsCurrent;
        }

        try
        {
            using var cts = new CancellationTokenSource(timeout);
            for (var drained = 0; drained < maxBytes;)
            {
                var read = _epoll is not null
                    ? await _epoll.ReadAsync(buffer.AsMemory(0, 4096), cts.Token).ConfigureAwait(false)
                    : await _socket.ReceiveAsync(buffer.AsMemory(0, 4096), SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                drained += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
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

        _epoll?.Dispose(); // SslStream may have left it open.
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
