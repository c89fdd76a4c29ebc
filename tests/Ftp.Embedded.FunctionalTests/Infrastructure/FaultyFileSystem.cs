using System.Runtime.CompilerServices;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>What a <see cref="Fault"/> does once a stream has moved its number of bytes.</summary>
public enum FaultKind
{
    /// <summary>Throws an <see cref="IOException"/> (a storage error).</summary>
    IOException,

    /// <summary>Throws an <see cref="InvalidOperationException"/> (a bug in the provider).</summary>
    Unexpected,

    /// <summary>Never completes and ignores its cancellation token, until <see cref="Fault.Release"/>.</summary>
    HangIgnoringCancellation,

    /// <summary>Never completes until its cancellation token fires.</summary>
    HangHonouringCancellation,

    /// <summary>Reads and writes pass; <c>DisposeAsync</c> (the transfer's cleanup) never completes, until <see cref="Fault.Release"/>.</summary>
    HangOnDispose,
}

/// <summary>
/// A fault injected into the streams a <see cref="FaultyFileSystemProvider"/> opens: after <see cref="AfterBytes"/> bytes
/// the next read or write fails or hangs. Disposing it releases hung calls, so a test never leaves one behind.
/// </summary>
public sealed class Fault(FaultKind kind, long afterBytes) : IDisposable
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public FaultKind Kind { get; } = kind;

    public long AfterBytes { get; } = afterBytes;

    /// <summary>Completes when a stream reached the fault.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Completes when a faulty stream was disposed.</summary>
    public Task StreamDisposed => _disposed.Task;

    /// <summary>How many read or write calls are still inside the fault (hanging).</summary>
    public int PendingCalls => Volatile.Read(ref _calls);

    /// <summary>Lets hung calls return (successfully, as a late provider would).</summary>
    public void Release() => _released.TrySetResult();

    public void Dispose() => Release();

    internal async ValueTask HitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            _reached.TrySetResult();
            switch (Kind)
            {
                case FaultKind.IOException:
                    throw new IOException("Injected storage failure.");
                case FaultKind.Unexpected:
                    throw new InvalidOperationException("Injected provider bug.");
                case FaultKind.HangIgnoringCancellation or FaultKind.HangOnDispose:
                    await _released.Task;
                    break;
                default:
                    await _released.Task.WaitAsync(cancellationToken);
                    break;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _calls);
        }
    }

    internal void OnDisposed() => _disposed.TrySetResult();
}

/// <summary>
/// Wraps a provider: the streams its filesystems open while <see cref="WriteFault"/> or <see cref="ReadFault"/> is set
/// fail or hang as the fault says. Everything else goes straight to the wrapped filesystem.
/// </summary>
public sealed class FaultyFileSystemProvider : IFtpFileSystemProvider
{
    /// <summary>The wrapped provider; set it before the first login (a test server's own in-memory filesystem).</summary>
    public IFtpFileSystemProvider? Inner { get; set; }

    public Fault? WriteFault { get; set; }

    public Fault? ReadFault { get; set; }

    /// <summary>
    /// Whether the filesystems offer the wrapped one's own atomic uploads (<see cref="IFtpAtomicUploadFileSystem"/>);
    /// otherwise the engine uploads to a temporary file and renames it.
    /// </summary>
    public bool NativeAtomicUploads { get; init; }

    public FtpFileSystemCapabilities Capabilities => NativeAtomicUploads ? FtpFileSystemCapabilities.AtomicUploads : FtpFileSystemCapabilities.None;

    public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
    {
        var inner = await Inner!.GetFileSystemAsync(user, cancellationToken);
        return NativeAtomicUploads ? new FaultyAtomicFileSystem(inner, this) : new FaultyFileSystem(inner, this);
    }

    private static Stream Wrap(Stream stream, Fault? fault) => fault is null ? stream : new FaultyStream(stream, fault);

    private sealed class FaultyAtomicFileSystem(IFtpFileSystem inner, FaultyFileSystemProvider faults) : FaultyFileSystem(inner, faults), IFtpAtomicUploadFileSystem
    {
        public async ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
        {
            var upload = await ((IFtpAtomicUploadFileSystem)Inner).BeginUploadAsync(path, cancellationToken);
            return new FaultyUpload(upload, Wrap(upload.Stream, Faults.WriteFault));
        }
    }

    private sealed class FaultyUpload(IFtpUpload inner, Stream stream) : IFtpUpload
    {
        public Stream Stream => stream;

        public ValueTask CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            await inner.DisposeAsync();
        }
    }

    private class FaultyFileSystem(IFtpFileSystem inner, FaultyFileSystemProvider faults) : IFtpFileSystem
    {
        protected IFtpFileSystem Inner => inner;

        protected FaultyFileSystemProvider Faults => faults;

        public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken) => inner.GetInfoAsync(path, cancellationToken);

        public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var entry in inner.ListAsync(path, cancellationToken))
            {
                yield return entry;
            }
        }

        public async ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
        {
            return Wrap(await inner.OpenReadAsync(path, offset, cancellationToken), faults.ReadFault);
        }

        public async ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
        {
            return Wrap(await inner.OpenWriteAsync(path, mode, offset, cancellationToken), faults.WriteFault);
        }

        public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

        public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

        public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

        public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
            => inner.RenameAsync(sourcePath, destinationPath, cancellationToken);
    }

    /// <summary>Passes reads and writes through until the fault's byte count, then hits the fault once.</summary>
    private sealed class FaultyStream(Stream inner, Fault fault) : Stream
    {
        private long _moved;
        private bool _hit = fault.Kind == FaultKind.HangOnDispose;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var room = _hit ? buffer.Length : (int)Math.Min(buffer.Length, fault.AfterBytes - _moved);
            if (room <= 0)
            {
                _hit = true;
                await fault.HitAsync(cancellationToken);
                room = buffer.Length;
            }

            var read = await inner.ReadAsync(buffer[..room], cancellationToken);
            _moved += read;
            return read;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_hit && _moved + buffer.Length > fault.AfterBytes)
            {
                var before = (int)(fault.AfterBytes - _moved);
                await inner.WriteAsync(buffer[..before], cancellationToken);
                _moved += before;
                buffer = buffer[before..];
                _hit = true;
                await fault.HitAsync(cancellationToken);
            }

            await inner.WriteAsync(buffer, cancellationToken);
            _moved += buffer.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The engine reads asynchronously.");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The engine writes asynchronously.");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (fault.Kind == FaultKind.HangOnDispose)
            {
                await fault.HitAsync(CancellationToken.None);
            }

            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                fault.OnDisposed();
            }

            base.Dispose(disposing);
        }
    }
}
