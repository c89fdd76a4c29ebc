using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>
/// A listening socket's accepts on an event thread: an accept that waited completes there, so the new connection's
/// first steps (admission, the greeting) run without a hand-off to the pool; the connection pipeline leaves the event
/// thread before anything that may block (a TLS handshake, the application's events).
/// </summary>
internal sealed class EpollAcceptor : IEpollTarget, IDisposable
{
    private readonly EpollOperation _accept;
    private EpollRegistration _registration = null!; // set by TryCreate before any accept can start

    private EpollAcceptor() => _accept = new EpollOperation(this, isRead: true);

    /// <summary>Registers the listening <paramref name="socket"/> (made non-blocking); <see langword="null"/> without epoll.</summary>
    public static EpollAcceptor? TryCreate(Socket socket)
    {
        var acceptor = new EpollAcceptor();
        if (EpollRegistration.TryRegister(socket, acceptor) is not { } registration)
        {
            return null;
        }

        acceptor._registration = registration;
        return acceptor;
    }

    /// <summary>The next connection, non-blocking, as a socket; waits on the event thread when none is queued.</summary>
    public async ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var fd = await _accept.StartAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            var handle = new SafeSocketHandle(fd, ownsHandle: true);
            try
            {
                return new Socket(handle);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
            {
                handle.Dispose(); // Reset before it could be looked at (the socket's options and addresses): take the next one.
            }
        }
    }

    public void OnEvents(uint events)
    {
        if ((events & (EpollNative.EPOLLIN | EpollNative.EPOLLHUP | EpollNative.EPOLLERR)) != 0)
        {
            _accept.OnReady(inline: true);
        }
    }

    public int TryTransfer(bool isRead, Memory<byte> buffer, out int errno)
    {
        errno = 0;
        if (!_registration.TryAcquire(out var listener))
        {
            errno = -1;
            return -1;
        }

        try
        {
            var fd = EpollNative.Accept(listener, 0, 0, EpollNative.SOCK_NONBLOCK | EpollNative.SOCK_CLOEXEC);
            if (fd < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                // A connection that was reset while it waited in the queue: take the next one.
                errno = errno is 103 or 71 ? EpollNative.EINTR : errno;
            }

            return fd;
        }
        finally
        {
            _registration.Release();
        }
    }

    public void WatchWrites()
    {
    }

    public void Dispose()
    {
        if (_registration.Close())
        {
            _accept.Abandon();
        }
    }
}
