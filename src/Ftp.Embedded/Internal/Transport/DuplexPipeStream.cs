using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>
/// One end of an in-memory connection as a <see cref="Stream"/>: reads from one pipe, writes to the other. An abort of
/// the connection (the token given) ends pending and later reads and writes of both ends with an
/// <see cref="IOException"/>, as a reset socket does.
/// </summary>
internal sealed class DuplexPipeStream : Stream
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly CancellationToken _aborted;
    private readonly CancellationTokenRegistration _onAbort;
    private int _inputCompleted;
    private int _outputCompleted;

    public DuplexPipeStream(PipeReader input, PipeWriter output, CancellationToken aborted)
    {
        _input = input;
        _output = output;
        _aborted = aborted;
        _onAbort = aborted.UnsafeRegister(static state =>
        {
            var stream = (DuplexPipeStream)state!;
            stream._input.CancelPendingRead();
            stream._output.CancelPendingFlush();
        }, this);
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    // Pooled state machines: a session's reads and writes wait for the other end every time, and the benchmarks that
    // run over this transport report the engine's allocations, not the transport's.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfAborted();
        var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled)
        {
            ThrowIfAborted();
            throw new OperationCanceledException("The read was canceled.");
        }

        var available = result.Buffer;
        if (buffer.IsEmpty)
        {
            // A zero-byte read: returns once data (or the end) is there, and takes nothing.
            _input.AdvanceTo(available.Start);
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, available.Length);
        available.Slice(0, count).CopyTo(buffer.Span);
        _input.AdvanceTo(available.GetPosition(count));
        return count;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfAborted();
        var result = await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled)
        {
            ThrowIfAborted();
            throw new OperationCanceledException("The write was canceled.");
        }

        if (result.IsCompleted)
        {
            throw new IOException("The other end closed the connection.");
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

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous writes only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends this end's sending direction: the other end reads to the end of the stream.</summary>
    public void CompleteOutput()
    {
        if (Interlocked.Exchange(ref _outputCompleted, 1) == 0)
        {
            _output.Complete();
        }
    }

    /// <summary>Reads and discards what the other end still sends, up to <paramref name="maxBytes"/> or the token.</summary>
    public async ValueTask DrainAsync(int maxBytes, CancellationToken cancellationToken)
    {
        for (long drained = 0; drained < maxBytes && Volatile.Read(ref _inputCompleted) == 0;)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += result.Buffer.Length;
            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _onAbort.Dispose();
            CompleteOutput();
            if (Interlocked.Exchange(ref _inputCompleted, 1) == 0)
            {
                _input.Complete();
            }
        }

        base.Dispose(disposing);
    }

    private void ThrowIfAborted()
    {
        if (_aborted.IsCancellationRequested)
        {
            throw new IOException("The connection was reset.");
        }
    }
}
