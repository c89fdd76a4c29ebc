using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Transport.Epoll;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>A listening TCP socket; says which endpoint failed and why when it cannot be opened.</summary>
/// <remarks>
/// No socket option is set for address reuse. On Linux and macOS the runtime already sets SO_REUSEADDR on every TCP
/// socket it binds, which is what lets a restarted server bind its port while old connections are in TIME_WAIT.
/// The ReuseAddress socket option would add SO_REUSEPORT there, and with it a second process (or a second server
/// in this one) could bind the same port and take half of the connections; without it, a port in use fails the start.
/// </remarks>
internal sealed class SocketConnectionListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly bool _implicitTls;
    private readonly EpollAcceptor? _acceptor;

    private SocketConnectionListener(Socket socket, bool implicitTls)
    {
        _socket = socket;
        _implicitTls = implicitTls;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptor = SocketConnection.UseEpoll ? EpollAcceptor.TryCreate(socket) : null;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Binds <paramref name="endPoint"/> and listens; an <see cref="IOException"/> names the endpoint on failure.</summary>
    public static SocketConnectionListener Bind(IPEndPoint endPoint, bool implicitTls)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                listener.DualMode = false;
            }

            listener.Bind(endPoint);
            listener.Listen(512);
            return new SocketConnectionListener(listener, implicitTls);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new IOException(BindFailure(endPoint, implicitTls ? "Ftp:Tls:ImplicitEndpoints" : "Ftp:Endpoints", ex.SocketErrorCode, ex.Message), ex);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>One line that names the endpoint, what went wrong and what to change.</summary>
    public static string BindFailure(IPEndPoint endPoint, string setting, SocketError error, string message) => error switch
    {
        SocketError.AddressAlreadyInUse =>
            $"Failed to bind to {endPoint}: address already in use. Another process listens on that port: stop it, or choose another port in {setting}.",
        SocketError.AddressNotAvailable =>
            $"Failed to bind to {endPoint}: the address is not one of this machine's. Give a local address in {setting}, or 0.0.0.0 or [::] for all.",
        SocketError.AccessDenied =>
            $"Failed to bind to {endPoint}: permission denied. Ports below 1024 need privileges (CAP_NET_BIND_SERVICE on Linux); or choose a port of 1024 or above in {setting}.",
        _ => $"Failed to bind to {endPoint}: {message}. Check {setting}.",
    };

    public async ValueTask<FtpConnection?> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = _acceptor is not null
                    ? await _acceptor.AcceptAsync(cancellationToken).ConfigureAwait(false)
                    : await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException ex)
            {
                throw new IOException(ex.Message, ex);
            }

            if (SocketConnection.TryCreate(socket, _implicitTls) is { } connection)
            {
                return connection;
            }
        }
    }

    public void Dispose()
    {
        _acceptor?.Dispose(); // A waiting accept ends with ObjectDisposedException: AcceptAsync returns null.
        _socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
