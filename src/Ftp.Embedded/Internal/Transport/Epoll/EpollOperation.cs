using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>
/// The one receive or send of a direction that may wait for readiness. A readiness counter closes the race between a
/// try that found the socket not ready and the edge that arrives before the operation is marked as waiting: the try
/// is repeated when the counter moved.
/// </summary>
internal sealed class EpollOperation(IEpollTarget owner, bool isRead) : IValueTaskSource<int>
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int Completing = 2;

    private ManualResetValueTaskSourceCore<int> _core;
    private int _state;
    private int _readiness;
    private int _drainedAt = -1; // the readiness count at which a receive last found the socket empty
    private Memory<byte> _buffer;
    private CancellationTokenRegistration _cancellation;

    /// <summary>Moves what it can at once; otherwise waits for the socket's next readiness.</summary>
    public ValueTask<int> StartAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        while (true)
        {
            var readiness = Volatile.Read(ref _readiness);
            int moved, errno;
            if (isRead && readiness == _drainedAt)
            {
                // Nothing arrived since a receive emptied the socket: wait for the edge without a system call.
                (moved, errno) = (-1, EpollNative.EAGAIN);
            }
            else
            {
                moved = Try(buffer, readiness, out errno);
            }

            if (moved >= 0)
            {
                return new ValueTask<int>(moved);
            }

            if (errno == EpollNative.EINTR)
            {
                continue;
            }

            if (errno != EpollNative.EAGAIN)
            {
                return ValueTask.FromException<int>(Failure(errno));
            }

            if (!isRead)
            {
                owner.WatchWrites();
            }

            _buffer = buffer;
            _core.Reset();
            if (cancellationToken.CanBeCanceled)
            {
                // Registered before the operation waits: a cancellation that comes in between is caught just below.
                _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((EpollOperation)s!).Cancel(token), this);
            }

            Volatile.Write(ref _state, Waiting);
            if (cancellationToken.IsCancellationRequested)
            {
                Cancel(cancellationToken);
            }
            else if (Volatile.Read(ref _readiness) != readiness && Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
            {
                _cancellation.Unregister();
                _cancellation = default;
                continue; // Became ready meanwhile: try again.
            }

            return new ValueTask<int>(this, _core.Version);
        }
    }

    /// <summary>On the event thread: the socket became ready in this direction.</summary>
    public void OnReady(bool inline)
    {
        Interlocked.Increment(ref _readiness);
        if (Interlocked.CompareExchange(ref _state, Completing, Waiting) != Waiting)
        {
            return;
        }

        int moved, errno = 0;
        if (isRead && _buffer.IsEmpty && owner is EpollSocketStream)
        {
            moved = 0; // A zero-byte read waits only for readiness: the read that follows takes the bytes (or the end).
        }
        else
        {
            moved = Try(_buffer, Volatile.Read(ref _readiness), out errno);
        }

        if (moved < 0 && (errno == EpollNative.EAGAIN || errno == EpollNative.EINTR))
        {
            // Not ready after all; the next edge comes to this same thread.
            Volatile.Write(ref _state, Waiting);
            return;
        }

        _core.RunContinuationsAsynchronously = !inline;
        if (moved >= 0)
        {
            _core.SetResult(moved);
        }
        else
        {
            _core.SetException(Failure(errno));
        }
    }

    /// <summary>The stream was disposed: a waiting operation ends with <see cref="ObjectDisposedException"/>.</summary>
    public void Abandon()
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Waiting) == Waiting)
        {
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(new ObjectDisposedException(nameof(EpollSocketStream)));
        }
    }

    /// <summary>
    /// One try; a receive that found nothing notes that the socket is empty at this readiness count. (A short receive
    /// does not say so: a receive stops at TCP's urgent mark, which clients set on ABOR, with bytes still waiting.)
    /// </summary>
    private int Try(Memory<byte> buffer, int readiness, out int errno)
    {
        var moved = owner.TryTransfer(isRead, buffer, out errno);
        if (isRead && moved < 0 && errno == EpollNative.EAGAIN)
        {
            _drainedAt = readiness;
        }

        return moved;
    }

    public int GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _buffer = default;
            _cancellation.Unregister();
            _cancellation = default;
            Volatile.Write(ref _state, Idle);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Waiting) == Waiting)
        {
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(new OperationCanceledException(token));
        }
    }

    private static Exception Failure(int errno) => errno switch
    {
        -1 => new ObjectDisposedException(nameof(EpollSocketStream)),
        104 => new IOException("Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)),
        32 => new IOException("Broken pipe.", new SocketException((int)SocketError.Shutdown)),
        _ => new IOException($"Socket error {errno}.", new SocketException((int)SocketError.SocketError)),
    };
}
