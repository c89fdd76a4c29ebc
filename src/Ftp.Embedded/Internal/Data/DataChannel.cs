using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Net;

namespace Ftp.Embedded.Internal.Data;

/// <summary>A data connection that PASV/EPSV or PORT/EPRT prepared; the next transfer opens it.</summary>
internal abstract class DataChannel : IDisposable
{
    /// <summary>Accepts or connects the data connection.</summary>
    public abstract ValueTask<DataConnection> OpenAsync(DataChannelContext context, CancellationToken cancellationToken);

    public abstract void Dispose();
}

/// <summary>
/// A lease on the session's passive listener (<see cref="PassiveListener"/>): accepts one connection, only from a peer the
/// policy allows; behind a trusted proxy, the peer is the client its PROXY protocol header names (<see cref="PassiveProxyHeader"/>).
/// </summary>
internal sealed class PassiveDataChannel : DataChannel
{
    private readonly PassiveListener _listener;
    private readonly PassiveProxyHeader? _proxy;
    private bool _served;
    private int _disposed;

    private PassiveDataChannel(PassiveListener listener, PassiveProxyHeader? proxy)
    {
        _listener = listener;
        _proxy = proxy;
    }

    public int Port => _listener.Port;

    /// <summary>The listener this channel leases, kept by the session for its next PASV/EPSV.</summary>
    public PassiveListener Listener => _listener;

    /// <summary>Opens a new listener on <paramref name="address"/> with a port from the pool; null when no port is free.</summary>
    public static PassiveDataChannel? TryCreate(ServerContext context, IPAddress address)
        => PassiveListener.TryOpen(context.PassivePorts, address) is { } listener ? new PassiveDataChannel(listener, PassiveProxyHeader.For(context)) : null;

    /// <summary>A channel over the session's <paramref name="listener"/> when it can be leased again on <paramref name="address"/>.</summary>
    public static PassiveDataChannel? TryReuse(ServerContext context, PassiveListener? listener, IPAddress address)
        => listener is not null && listener.TryLease(address) ? new PassiveDataChannel(listener, PassiveProxyHeader.For(context)) : null;

    public override async ValueTask<DataConnection> OpenAsync(DataChannelContext context, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static s => ((PassiveListener)s!).Close(), _listener);
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            try
            {
                if (await AcceptPeerAsync(socket, context, cancellationToken).ConfigureAwait(false) is { } connection)
                {
                    _served = true;
                    return connection;
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            // Someone else tried to take the data connection (RFC 2577, connection stealing): close it, keep waiting.
            socket.Dispose();
        }
    }

    /// <summary>
    /// The data connection when the policy allows its peer (the client a trusted proxy's header names, or the socket's
    /// own peer); <see langword="null"/> when it refuses. A refused header throws (<see cref="PassiveProxyHeader"/>).
    /// </summary>
    private async ValueTask<DataConnection?> AcceptPeerAsync(Socket socket, DataChannelContext context, CancellationToken cancellationToken)
    {
        var peer = (IPEndPoint)socket.RemoteEndPoint!;
        var (client, leftover) = _proxy is not null && _proxy.IsTrusted(peer)
            ? await _proxy.ReadAsync(socket, peer, context, cancellationToken).ConfigureAwait(false)
            : (peer, default);
        var decision = context.Policy.AllowPassivePeer(context.Session, AddressNormalizer.Normalize(client));
        if (decision.IsAllowed)
        {
            return new DataConnection(socket, client, leftover);
        }

        FtpLog.PassivePeerRefused(context.Logger, context.Session.Id, client, decision.Reason ?? "refused by the data-channel policy");
        return null;
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _listener.Release(_served);
        }
    }
}

/// <summary>An active connection to the address PORT/EPRT named.</summary>
internal sealed class ActiveDataChannel(IPEndPoint target, IPAddress localAddress, bool usePort20) : DataChannel
{
    public IPEndPoint Target { get; } = target;

    public override async ValueTask<DataConnection> OpenAsync(DataChannelContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (localAddress.AddressFamily == Target.AddressFamily)
            {
                // Several transfers can leave from port 20 at once, to different client ports: the runtime sets
                // SO_REUSEADDR on every TCP bind on Unix, which allows that for connecting sockets (never for a listener).
                // No ReuseAddress option: on Linux it adds SO_REUSEPORT, which would let the bind share a port with a listener.
                socket.Bind(new IPEndPoint(localAddress, usePort20 ? 20 : 0));
            }

            await socket.ConnectAsync(Target, cancellationToken).ConfigureAwait(false);
            return new DataConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override void Dispose()
    {
    }
}
