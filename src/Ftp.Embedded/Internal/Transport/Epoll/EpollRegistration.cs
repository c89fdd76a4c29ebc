using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>
/// A socket's place on an event thread: its descriptor, the engine and the slot its events carry. Every use of the
/// descriptor holds a reference on the socket's handle, so a socket closed meanwhile is never confused with a new one
/// that got the same number.
/// </summary>
internal sealed class EpollRegistration
{
    private readonly SafeSocketHandle _handle;
    private readonly EpollEngine _engine;
    private readonly int _slot;
    private int _closed;
    private int _watchingWrites;

    private EpollRegistration(SafeSocketHandle handle, EpollEngine engine, int slot)
    {
        _handle = handle;
        _engine = engine;
        _slot = slot;
    }

    /// <summary>Puts <paramref name="socket"/> in non-blocking mode and gives its events to <paramref name="target"/>; <see langword="null"/> without epoll.</summary>
    public static EpollRegistration? TryRegister(Socket socket, IEpollTarget target)
    {
        if (!EpollEngine.IsSupported)
        {
            return null;
        }

        socket.Blocking = false;
        var registration = new EpollRegistration(socket.SafeHandle, EpollEngine.Next(), EpollEngine.Reserve());
        if (!registration.TryAcquire(out var fd))
        {
            registration._engine.Unregister(-1, registration._slot);
            return null;
        }

        try
        {
            return registration._engine.TryAdd(fd, registration._slot, target, watchWrites: false) ? registration : null;
        }
        finally
        {
            registration.Release();
        }
    }

    /// <summary>Takes a reference on the descriptor for one system call; <see langword="false"/> once closed.</summary>
    public bool TryAcquire(out int fd)
    {
        fd = -1;
        if (Volatile.Read(ref _closed) != 0)
        {
            return false;
        }

        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        fd = (int)_handle.DangerousGetHandle();
        return added;
    }

    /// <summary>Gives back the reference <see cref="TryAcquire"/> took.</summary>
    public void Release() => _handle.DangerousRelease();

    /// <summary>Asks for writability from the first send that found the socket full on.</summary>
    public void WatchWrites()
    {
        if (Volatile.Read(ref _watchingWrites) != 0 || Interlocked.Exchange(ref _watchingWrites, 1) != 0 || !TryAcquire(out var fd))
        {
            return;
        }

        try
        {
            _engine.WatchWrites(fd, _slot);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// Takes the socket off its event thread (while the descriptor is still open; a closed one left the epoll set when it
    /// closed) and frees the slot. Returns <see langword="false"/> when already done.
    /// </summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }

        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _engine.Unregister(added ? (int)_handle.DangerousGetHandle() : -1, _slot);
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }

        return true;
    }
}
