using System.IO.Compression;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// MODE Z over a data connection (draft-preston-ftpext-deflate, as proftpd's mod_deflate and lftp speak it): a zlib
/// stream (RFC 1950) in place of the file's bytes. Writes are compressed at the session's level; reads are inflated.
/// The copy loops above see file bytes, so progress, quota, rate limits and the transfer log count file bytes.
/// Memory is fixed per transfer: zlib's window and state (at most about 256 KiB to compress, 40 KiB to inflate) and
/// the caller's buffers; inflated bytes go straight on to the file, so a small upload that inflates hugely costs disk
/// (bounded by the quota, like any upload) and never memory.
/// </summary>
internal sealed class ZLibDataStream : Stream
{
    private readonly Stream _inner;
    private readonly int _level;
    private readonly TailStream _source;
    private Adler32 _inflated = Adler32.Initial;
    private ZLibStream? _deflate;
    private ZLibStream? _inflate;
    private bool _read;
    private bool _wrote;
    private bool _finished;

    /// <summary>A zlib stream of no data: header, an empty final block, the Adler-32 of nothing.</summary>
    private static readonly byte[] EmptyStream = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    public ZLibDataStream(Stream inner, int level)
    {
        _inner = inner;
        _level = level;
        _source = new TailStream(inner);
    }

    /// <summary>The connection's own stream (TCP or TLS) under the compression.</summary>
    public Stream Inner => _inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _read = true;
        _inflate ??= new ZLibStream(_source, CompressionMode.Decompress, leaveOpen: true);
        int count;
        try
        {
            count = await _inflate.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw Corrupt("the data is not a valid zlib stream");
        }

        if (count > 0)
        {
            _inflated.Update(buffer.Span[..count]);
        }
        else if (buffer.Length > 0 && _source.Ended && _source.BytesRead > 0 && _source.Tail != _inflated.Value)
        {
            // zlib ends its stream with the Adler-32 of the data; the inflater does not tell a stream cut short from a
            // whole one when the connection ends, so the last four bytes must be that checksum. A client that sends no
            // byte at all sends an empty file, as in MODE S.
            throw Corrupt("the zlib stream ended before its end");
        }

        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        _wrote = true;
        return Deflater().WriteAsync(buffer, cancellationToken);
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
        => _deflate is null ? _inner.FlushAsync(cancellationToken) : _deflate.FlushAsync(cancellationToken);

    /// <summary>
    /// Ends the zlib stream after a complete send (its last block and checksum): only then can the client tell the
    /// whole file from a cut one. A transfer that read (an upload) writes nothing; an empty download sends an empty stream.
    /// </summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_read && _deflate is null)
        {
            return;
        }

        _finished = true;
        if (_wrote)
        {
            await Deflater().DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            // The deflater writes nothing for no data; the client still needs a whole (empty) stream.
            await _inner.WriteAsync(EmptyStream, cancellationToken).ConfigureAwait(false);
        }

        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        // The connection closes first, so a compressor left unfinished cannot end a cut transfer with a valid trailer.
        // base.DisposeAsync runs Dispose(true), which frees zlib's state.
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("MODE Z data is read asynchronously.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("MODE Z data is written asynchronously.");

    public override void Flush() => throw new NotSupportedException("MODE Z data is flushed asynchronously.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            DisposeZLib();
        }

        base.Dispose(disposing);
    }

    /// <summary>A MODE Z upload that does not inflate: 426, and the upload is discarded like any cut one.</summary>
    private static FtpException Corrupt(string problem)
        => new(FtpReplyCode.TransferAborted, $"Connection closed; transfer aborted: MODE Z {problem}.");

    private ZLibStream Deflater()
        => _deflate ??= new ZLibStream(_inner, new ZLibCompressionOptions { CompressionLevel = _level }, leaveOpen: true);

    private void DisposeZLib()
    {
        try
        {
            // Finished: already disposed. Otherwise the connection is closed and the final block has nowhere to go.
            if (!_finished)
            {
                _deflate?.Dispose();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
        }

        _inflate?.Dispose();
    }

    /// <summary>The connection's stream as the inflater reads it: whether it ended, how much came, its last four bytes.</summary>
    private sealed class TailStream(Stream inner) : Stream
    {
        public bool Ended { get; private set; }

        public long BytesRead { get; private set; }

        /// <summary>The last four bytes read, big-endian (where zlib puts its checksum).</summary>
        public uint Tail { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Ended |= count == 0 && buffer.Length > 0;
            BytesRead += count;
            var span = buffer.Span[..count];
            foreach (var b in count > 4 ? span[^4..] : span)
            {
                Tail = (Tail << 8) | b;
            }

            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
