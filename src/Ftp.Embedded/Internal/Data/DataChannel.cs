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
/// A passive listener: accepts one connection, only from a peer the policy allows; behind a trusted proxy, the peer is
/// the client its PROXY protocol header names (<see cref="PassiveProxyHeader"/>).
/// </summary>
internal sealed class PassiveDataChannel : DataChannel
{
    private readonly Socket _listener;
    private readonly PassivePortPool _pool;
    private readonly PassiveProxyHeader? _proxy;
    private int _disposed;

    private PassiveDataChannel(Socket listener, PassivePortPool pool, PassiveProxyHeader? proxy)
    {
        _listener = listener;
        _pool = pool;
        _proxy = proxy;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Opens a listener on <paramref name="address"/> with a port from the pool; null when no port is free.</summary>
    public static PassiveDataChannel? TryCreate(ServerContext context, IPAddress address)
    {
        var pool = context.PassivePorts;
        var attempts = pool.IsRange ? Math.Max(1, pool.Capacity) : 1;
        for (var i = 0; i < attempts; i++)
        {
            if (!pool.TryRent(out var port))
            {
                return null;
            }

            // No ReuseAddress option (SO_REUSEPORT on Linux): a port another process listens on must fail the bind, never
            // be shared with it. The runtime's own SO_REUSEADDR lets a port be used again while old connections are in TIME_WAIT.
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(address, port));
                listener.Listen(1);
                return new PassiveDataChannel(listener, pool, PassiveProxyHeader.For(context));
            }
            catch (SocketException) when (pool.IsRange)
            {
                // Taken by another process: try the next one.
                listener.Dispose();
                pool.Return(port);
            }
            catch
            {
                listener.Dispose();
                pool.Return(port);
                throw;
            }
        }

        return null;
    }

    public override async ValueTask<DataConnection> OpenAsync(DataChannelContext context, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static s => ((Socket)s!).Dispose(), _listener);
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
            _listener.Dispose();
            _pool.Return(Port);
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
