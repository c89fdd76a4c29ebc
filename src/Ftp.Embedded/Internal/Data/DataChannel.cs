using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Net;

namespace Ftp.Embedded.Internal.Data;

/// <summary>A data connection that PASV/EPSV or PORT/EPRT prepared; the next transfer opens it.</summary>
internal abstract class DataChannel : IDisposable
{
    /// <summary>Accepts or connects the data connection.</summary>
    public async ValueTask<DataConnection> OpenAsync(DataChannelContext context, CancellationToken cancellationToken)
        => new(await OpenSocketAsync(context, cancellationToken).ConfigureAwait(false));

    protected abstract ValueTask<Socket> OpenSocketAsync(DataChannelContext context, CancellationToken cancellationToken);

    public abstract void Dispose();
}

/// <summary>A passive listener: accepts one connection, only from a peer the policy allows.</summary>
internal sealed class PassiveDataChannel : DataChannel
{
    private readonly Socket _listener;
    private readonly PassivePortPool _pool;
    private int _disposed;

    private PassiveDataChannel(Socket listener, PassivePortPool pool)
    {
        _listener = listener;
        _pool = pool;
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
                return new PassiveDataChannel(listener, pool);
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

    protected override async ValueTask<Socket> OpenSocketAsync(DataChannelContext context, CancellationToken cancellationToken)
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

            var peer = (IPEndPoint)socket.RemoteEndPoint!;
            var decision = context.Policy.AllowPassivePeer(context.Session, AddressNormalizer.Normalize(peer));
            if (decision.IsAllowed)
            {
                return socket;
            }

            FtpLog.PassivePeerRefused(context.Logger, context.Session.Id, peer, decision.Reason ?? "refused by the data-channel policy");

            // Someone else tried to take the data connection (RFC 2577, connection stealing): close it, keep waiting.
            socket.Dispose();
        }
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

    protected override async ValueTask<Socket> OpenSocketAsync(DataChannelContext context, CancellationToken cancellationToken)
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
            return socket;
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
