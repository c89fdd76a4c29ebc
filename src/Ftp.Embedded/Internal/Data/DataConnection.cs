using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Data;

/// <summary>What opening a data connection needs from the session: the policy, who the session is, where to log.</summary>
internal sealed record DataChannelContext(IFtpDataChannelPolicy Policy, FtpSessionInfo Session, ILogger Logger);

/// <summary>
/// An open data connection: the stream the transfer reads or writes (the socket's own, or TLS under PROT P), the socket
/// itself while the bytes flow over plain TCP (for sendfile and receiving straight into a file), and the peer. Bytes that
/// came with a trusted proxy's PROXY header are read first, through the stream (the socket is then not offered).
/// </summary>
internal sealed class DataConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    public DataConnection(Socket socket)
        : this(socket, (IPEndPoint)socket.RemoteEndPoint!, default)
    {
    }

    /// <param name="socket">The connected socket.</param>
    /// <param name="peer">The client: the socket's peer, or the one a trusted proxy's header names.</param>
    /// <param name="replay">What was read after the PROXY header; the stream returns it before reading the socket.</param>
    public DataConnection(Socket socket, IPEndPoint peer, ReadOnlyMemory<byte> replay)
    {
        _socket = socket;
        Peer = peer;
        var stream = new NetworkStream(socket, ownsSocket: false);
        Stream = replay.IsEmpty ? stream : new Proxy.PrefixedStream(stream, replay);
    }

    /// <summary>
    /// The stream of the transfer: a <see cref="NetworkStream"/>, an <see cref="SslStream"/> once protected, and a
    /// <see cref="ZLibDataStream"/> over either in MODE Z.
    /// </summary>
    public Stream Stream { get; private set; }

    /// <summary>The socket while the data flows over plain TCP; <see langword="null"/> under TLS.</summary>
    public Socket? Socket => Stream is NetworkStream ? _socket : null;

    /// <summary>The client at the other end (behind a trusted proxy, the address its header gave).</summary>
    public IPEndPoint Peer { get; }

    /// <summary>Replaces the stream with the TLS session set up over it.</summary>
    public void Protect(SslStream ssl) => Stream = ssl;

    /// <summary>MODE Z: the transfer's bytes go through zlib at <paramref name="level"/> (sendfile is then not used).</summary>
    public void Compress(int level) => Stream = new ZLibDataStream(Stream, level);

    /// <summary>Ends what the transfer wrote after a complete copy: the zlib trailer in MODE Z, nothing otherwise.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken)
        => Stream is ZLibDataStream zlib ? zlib.FinishAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Closes the connection at once: a read or write on it ends now.</summary>
    public void Abort() => _socket.Dispose();

    /// <summary>
    /// Ends the connection cleanly after everything was moved: TLS close_notify (so the client can tell the end from a cut),
    /// then a TCP half-close. A peer that closed first (uploads do) is not an error.
    /// </summary>
    public async ValueTask CloseAsync()
    {
        try
        {
            if ((Stream is ZLibDataStream zlib ? zlib.Inner : Stream) is SslStream ssl)
            {
                // The last record and close_notify are short writes: without this, Nagle's algorithm holds them until
                // the client acknowledges what went before (a delayed ACK away). Bulk records before kept the coalescing.
                _socket.NoDelay = true;
                await ssl.ShutdownAsync().ConfigureAwait(false);
            }

            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
