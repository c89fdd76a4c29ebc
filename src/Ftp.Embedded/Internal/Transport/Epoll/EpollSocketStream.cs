using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>
/// A control connection's socket as a stream, driven by <see cref="EpollEngine"/>: a receive or send is tried at once
/// (non-blocking) and, when the socket is not ready, waits for the socket's next readiness edge on its event thread.
/// A read completes there, on the event thread, while <see cref="InlineReads"/> is set (the session's command read);
/// every other completion (writes, TLS handshakes, PROXY headers) is handed to the thread pool.
/// </summary>
internal sealed class EpollSocketStream : Stream, IEpollTarget
{
    private readonly EpollOperation _read;
    private readonly EpollOperation _write;
    private EpollRegistration _registration = null!; // set by TryCreate before any operation can start

    private EpollSocketStream()
    {
        _read = new EpollOperation(this, isRead: true);
        _write = new EpollOperation(this, isRead: false);
    }

    /// <summary>Whether a read that waited resumes its caller on the event thread (the session's command read) rather than a pool thread.</summary>
    public bool InlineReads { get; set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Puts <paramref name="socket"/> in non-blocking mode and registers it; <see langword="null"/> when epoll is not available.</summary>
    public static EpollSocketStream? TryCreate(Socket socket)
    {
        var stream = new EpollSocketStream();
        if (EpollRegistration.TryRegister(socket, stream) is not { } registration)
        {
            return null;
        }

        stream._registration = registration;
        return stream;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _read.StartAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var first = _write.StartAsync(MemoryMarshal.AsMemory(buffer), cancellationToken);
        if (first.IsCompletedSuccessfully)
        {
#pragma warning disable CA2012 // Read once: a completed ValueTask's result, then not used again.
            var written = first.Result;
#pragma warning restore CA2012
            return written == buffer.Length ? ValueTask.CompletedTask : WriteRestAsync(new ValueTask<int>(written), buffer, cancellationToken);
        }

        return WriteRestAsync(first, buffer, cancellationToken);
    }

    private async ValueTask WriteRestAsync(ValueTask<int> first, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var offset = await first.ConfigureAwait(false);
        while (offset < buffer.Length)
        {
            offset += await _write.StartAsync(MemoryMarshal.AsMemory(buffer[offset..]), cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Only asynchronous reads.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Only asynchronous writes.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Readiness from the event thread: retries the waiting operation of each direction that became ready.</summary>
    public void OnEvents(uint events)
    {
        if ((events & (EpollNative.EPOLLIN | EpollNative.EPOLLRDHUP | EpollNative.EPOLLHUP | EpollNative.EPOLLERR)) != 0)
        {
            _read.OnReady(inline: InlineReads);
        }

        if ((events & (EpollNative.EPOLLOUT | EpollNative.EPOLLHUP | EpollNative.EPOLLERR)) != 0)
        {
            _write.OnReady(inline: false);
        }
    }

    /// <summary>One non-blocking receive or send; a zero-length read only peeks whether data (or the end) is there.</summary>
    /// <returns>The bytes moved, or -1 with <paramref name="errno"/> set.</returns>
    public unsafe int TryTransfer(bool isRead, Memory<byte> buffer, out int errno)
    {
        errno = 0;
        if (!_registration.TryAcquire(out var fd))
        {
            errno = -1;
            return -1;
        }

        try
        {
            nint result;
            if (isRead && buffer.IsEmpty)
            {
                byte peek;
                result = EpollNative.Receive(fd, &peek, 1, EpollNative.MSG_PEEK | EpollNative.MSG_DONTWAIT);
                result = result > 0 ? 0 : result;
            }
            else
            {
                fixed (byte* p = buffer.Span)
                {
                    result = isRead
                        ? EpollNative.Receive(fd, p, buffer.Length, EpollNative.MSG_DONTWAIT)
                        : EpollNative.Send(fd, p, buffer.Length, EpollNative.MSG_DONTWAIT | EpollNative.MSG_NOSIGNAL);
                }
            }

            if (result < 0)
            {
                errno = Marshal.GetLastPInvokeError();
            }

            return (int)result;
        }
        finally
        {
            _registration.Release();
        }
    }

    /// <summary>Asks the event thread for writability from the first send that found the socket full on.</summary>
    public void WatchWrites() => _registration.WatchWrites();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _registration.Close())
        {
            _read.Abandon();
            _write.Abandon();
        }

        base.Dispose(disposing);
    }
}
