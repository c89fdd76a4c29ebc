using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ftp.Embedded.S3;

/// <summary>
/// Streams an object to S3 with bounded memory: one part-sized buffer, sent as a part when full (the write waits for it),
/// so at most one part is buffered and one in flight. A small object is one PutObject at commit; the object appears only
/// at commit, and disposing without a commit aborts the multipart upload.
/// </summary>
internal sealed class S3Writer(IAmazonS3 client, S3Errors errors, string bucket, string key, int partSize) : Stream
{
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(30);
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(partSize);
    private int _count;
    private long _length;
    private string? _uploadId;
    private readonly List<PartETag> _parts = [];
    private bool _committed;
    private bool _failed;

    /// <summary>Whether <see cref="DisposeAsync"/> commits (a plain <c>OpenWriteAsync</c> stream) rather than discards.</summary>
    public bool CommitOnDispose { get; set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _buffer is not null;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer is null || _committed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            _failed = true;
            cancellationToken.ThrowIfCancellationRequested();
        }

        try
        {
            await WriteCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    private async Task WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, partSize - _count);
            buffer.Span[..take].CopyTo(_buffer!.AsSpan(_count));
            _count += take;
            _length += take;
            buffer = buffer[take..];
            if (_count == partSize)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
        => throw new NotSupportedException("Write asynchronously (WriteAsync).");

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush() { }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_buffer is null || _committed, this);
        if (_uploadId is null)
        {
            using var body = new MemoryStream(_buffer, 0, _count, writable: false);
            await errors.Run(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, AutoCloseStream = false }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_count > 0)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }

            var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = _uploadId, PartETags = _parts };
            await errors.Run(() => client.CompleteMultipartUploadAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        _committed = true;
    }

    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        _uploadId ??= (await errors.Run(() => client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken), cancellationToken).ConfigureAwait(false)).UploadId;
        using var body = new MemoryStream(_buffer!, 0, _count, writable: false);
        var request = new UploadPartRequest { BucketName = bucket, Key = key, UploadId = _uploadId, PartNumber = _parts.Count + 1, InputStream = body, PartSize = _count };
        var response = await errors.Run(() => client.UploadPartAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        _parts.Add(new PartETag(request.PartNumber ?? _parts.Count + 1, response.ETag));
        _count = 0;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_buffer is null)
        {
            return;
        }

        try
        {
            if (CommitOnDispose && !_committed && !_failed)
            {
                await CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await AbortAsync().ConfigureAwait(false);
            Release();
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task AbortAsync()
    {
        if (_uploadId is null || _committed)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(AbortTimeout);
        try
        {
            await client.AbortMultipartUploadAsync(bucket, key, _uploadId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonS3Exception or OperationCanceledException or HttpRequestException or IOException)
        {
            // Left for the stale-upload sweep (IFtpStaleUploadCleanup).
        }
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }

    private void Release()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
