using System.Net;
using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// A session's passive listening socket, kept across PASV/EPSV: a session that moves many small files answers the same
/// port again instead of opening, binding and closing a listener per transfer. It is leased to one prepared data channel
/// at a time and offered again only when the last lease accepted the connection of a transfer and no other connection
/// waits in its backlog (one that does is the client's abandoned try, or someone else's: the listener is then closed,
/// which resets it, and a new one opened). The session gives it up on PORT/EPRT, on a PASV/EPSV it cannot reuse, at
/// logout and at its end; the port pool takes an idle one back when it has no free port left.
/// </summary>
internal sealed class PassiveListener
{
    private readonly Socket _socket;
    private readonly PassivePortPool _pool;
    private readonly Lock _gate = new();
    private bool _leased = true;
    private bool _owned = true;
    private bool _closed;

    private PassiveListener(Socket socket, PassivePortPool pool, int rentedPort)
    {
        _socket = socket;
        _pool = pool;
        RentedPort = rentedPort;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        Address = local.Address;
        Port = local.Port;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>The port taken from the pool (0 when the operating system picked it); given back once, when closed.</summary>
    private int RentedPort { get; }

    /// <summary>Opens a listener on <paramref name="address"/>, leased to its first channel; null when no port is free.</summary>
    public static PassiveListener? TryOpen(PassivePortPool pool, IPAddress address)
    {
        var attempts = pool.IsRange ? Math.Max(1, pool.Capacity) : 1;
        for (var i = 0; i < attempts; i++)
        {
            if (!pool.TryRent(out var port))
            {
                return null;
            }

            // No ReuseAddress option (SO_REUSEPORT on Linux): a port another process listens on must fail the bind, never
            // be shared with it. The runtime's own SO_REUSEADDR lets a port be used again while old connections are in TIME_WAIT.
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(1);
                return new PassiveListener(socket, pool, port);
            }
            catch (SocketException) when (pool.IsRange)
            {
                // Taken by another process: try the next one.
                socket.Dispose();
                pool.Return(port);
            }
            catch
            {
                socket.Dispose();
                pool.Return(port);
                throw;
            }
        }

        return null;
    }

    /// <summary>
    /// Leases the listener to a new data channel when it is idle, still the session's, on <paramref name="address"/>, and
    /// nobody waits in its backlog; closes it when someone does.
    /// </summary>
    public bool TryLease(IPAddress address)
    {
        lock (_gate)
        {
            if (_closed || _leased || !_owned || !Address.Equals(address))
            {
                return false;
            }

            _pool.Unpark(this);
            if (HasWaitingConnection())
            {
                CloseCore();
                return false;
            }

            _leased = true;
            return true;
        }
    }

    public ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken) => _socket.AcceptAsync(cancellationToken);

    /// <summary>
    /// Ends a lease: the listener waits for the session's next PASV/EPSV when the lease accepted a transfer's connection
    /// (<paramref name="served"/>) and the session still holds it; otherwise it is closed.
    /// </summary>
    public void Release(bool served)
    {
        lock (_gate)
        {
            _leased = false;
            if (!served || !_owned || _closed)
            {
                CloseCore();
                return;
            }

            _pool.Park(this);
        }
    }

    /// <summary>The session gives the listener up: closed now, or when its lease ends.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _owned = false;
            if (!_leased)
            {
                CloseCore();
            }
        }
    }

    /// <summary>Closes the listener at once (an accept waiting on it ends), leased or not.</summary>
    public void Close()
    {
        lock (_gate)
        {
            CloseCore();
        }
    }

    /// <summary>The pool, out of ports, takes back an idle listener's; false when it was leased or closed meanwhile.</summary>
    public bool TryReclaim()
    {
        lock (_gate)
        {
            if (_leased || _closed)
            {
                return false;
            }

            CloseCore();
            return true;
        }
    }

    private bool HasWaitingConnection()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private void CloseCore()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _pool.Unpark(this);
        _socket.Dispose();
        _pool.Return(RentedPort);
    }
}
