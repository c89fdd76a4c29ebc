using System.Buffers;
using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// Moves bytes between a file and the data connection: with zero copy when a binary transfer runs between a file on disk
/// and plain TCP, through pooled buffers otherwise, converting line ends in TYPE A. Under a rate limit
/// (<see cref="ITransferProgress.Throttle"/>) every path moves the throttle's slice at a time and waits for it first;
/// sendfile stays, in slices.
/// </summary>
internal static class DataCopy
{
    private const int BufferSize = 256 * 1024;
    private const int LargeReceiveSize = 1024 * 1024;
    private const int SendFileChunk = 16 * 1024 * 1024;

    /// <summary>Sends <paramref name="source"/> (already positioned at <paramref name="offset"/>) to the client.</summary>
    public static ValueTask DownloadAsync(Stream source, long offset, bool binary, DataConnection data, ITransferProgress progress, CancellationToken cancellationToken)
    {
        if (binary && source is FileStream file && data.Socket is { } socket)
        {
            return SendFileAsync(socket, file, offset, progress, cancellationToken);
        }

        return binary
            ? CopyAsync(source, data.Stream, data, progress, cancellationToken)
            : CopyToAsciiAsync(source, data.Stream, progress, cancellationToken);
    }

    /// <summary>Receives the client's bytes into <paramref name="sink"/> and flushes it.</summary>
    public static async ValueTask UploadAsync(DataConnection data, Stream sink, bool binary, ITransferProgress progress, CancellationToken cancellationToken)
    {
        if (binary && sink is FileStream file && data.Socket is { } socket)
        {
            await ReceiveToFileAsync(socket, file, progress, cancellationToken).ConfigureAwait(false);
        }
        else if (binary)
        {
            await CopyAsync(data.Stream, sink, data, progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CopyFromAsciiAsync(data.Stream, sink, progress, cancellationToken).ConfigureAwait(false);
        }

        await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies with two pooled buffers so that reading the next chunk overlaps writing the previous one (socket and
    /// disk work in parallel on two cores).
    /// </summary>
    private static async ValueTask CopyAsync(Stream source, Stream destination, DataConnection data, ITransferProgress progress, CancellationToken cancellationToken)
    {
        var throttle = progress.Throttle;
        var size = Math.Min(BufferSize, throttle?.SliceSize ?? BufferSize);
        var current = ArrayPool<byte>.Shared.Rent(BufferSize);
        var next = ArrayPool<byte>.Shared.Rent(BufferSize);
        ValueTask<int> read = default;
        var reading = false;
        try
        {
            read = source.ReadAsync(current.AsMemory(0, size), cancellationToken);
            reading = true;
            while (true)
            {
                // A ValueTask may be awaited once: mark it taken before awaiting, so the cleanup below never awaits it again.
                var pendingRead = read;
                reading = false;
                var count = await pendingRead;
                if (count == 0)
                {
                    break;
                }

                progress.Reserve(count);
                if (throttle is not null)
                {
                    await throttle.WaitAsync(count, cancellationToken);
                }

                var write = destination.WriteAsync(current.AsMemory(0, count), cancellationToken);
                read = source.ReadAsync(next.AsMemory(0, size), cancellationToken);
                reading = true;
                await write;
                progress.Progress(count);
                (current, next) = (next, current);
            }
        }
        finally
        {
            if (reading)
            {
                // The copy failed with a read outstanding. Close the data connection, so a read from it ends now instead
                // of when the client next sends (a read from the filesystem is left to end on its own), and let it finish
                // before its buffer goes back; the copy's own error is the one that counts.
                data.Abort();
                try
                {
                    await read;
                }
                catch (Exception)
                {
                }
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>
    /// Receives an upload straight into a file on disk: socket reads complete inline while data is flowing, and the
    /// page-cache write happens on the same thread, without a hop per chunk (the fast path for STOR to disk). The buffer
    /// starts at 256 KiB and grows to 1 MiB once a receive fills it: a fast sender then costs a quarter of the wake-ups
    /// and system calls per byte, while slow uploads keep the small buffer; after that, <see cref="ReceiveLowWater"/>.
    /// </summary>
    private static async ValueTask ReceiveToFileAsync(Socket socket, FileStream file, ITransferProgress progress, CancellationToken cancellationToken)
    {
        var throttle = progress.Throttle;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var size = Math.Min(BufferSize, throttle?.SliceSize ?? BufferSize);
        var lowWater = false;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer.AsMemory(0, size), SocketFlags.None, cancellationToken)) > 0)
            {
                progress.Reserve(read);
                file.Write(buffer, 0, read);
                progress.Progress(read);
                if (throttle is not null)
                {
                    // Nothing more is read until the bytes are allowed: the client is held back by TCP flow control.
                    await throttle.WaitAsync(read, cancellationToken);
                }
                else if (read == size && size < LargeReceiveSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(LargeReceiveSize);
                    size = LargeReceiveSize;
                }
                else if (read == size && !lowWater)
                {
                    lowWater = ReceiveLowWater.TrySet(socket);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends a file with the kernel's sendfile (Socket.SendPacketsAsync), in chunks so progress and aborts are seen; under
    /// a rate limit the chunks are the throttle's slices.
    /// </summary>
    private static async ValueTask SendFileAsync(Socket socket, FileStream file, long offset, ITransferProgress progress, CancellationToken cancellationToken)
    {
        var length = file.Length;
        var throttle = progress.Throttle;
        var chunk = Math.Min(SendFileChunk, throttle?.SliceSize ?? SendFileChunk);
        using var args = new SocketAsyncEventArgs();
        var completion = new SendPacketsCompletion(args);
        while (offset < length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = (int)Math.Min(chunk, length - offset);
            if (throttle is not null)
            {
                await throttle.WaitAsync(count, cancellationToken);
            }

            args.SendPacketsElements = [new SendPacketsElement(file, offset, count, endOfPacket: false)];
            await completion.SendAsync(socket);
            offset += count;
            progress.Progress(count);
        }
    }

    /// <summary>TYPE A download: bare LF becomes CRLF (RFC 959 section 3.1.1.1).</summary>
    private static async ValueTask CopyToAsciiAsync(Stream source, Stream destination, ITransferProgress progress, CancellationToken cancellationToken)
    {
        var throttle = progress.Throttle;
        var size = Math.Min(BufferSize / 2, throttle?.SliceSize ?? BufferSize);
        var input = ArrayPool<byte>.Shared.Rent(BufferSize / 2);
        var output = ArrayPool<byte>.Shared.Rent(BufferSize);
        var previous = (byte)0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(input.AsMemory(0, size), cancellationToken)) > 0)
            {
                var written = 0;
                for (var i = 0; i < read; i++)
                {
                    var b = input[i];
                    if (b == (byte)'\n' && previous != (byte)'\r')
                    {
                        output[written++] = (byte)'\r';
                    }

                    output[written++] = b;
                    previous = b;
                }

                if (throttle is not null)
                {
                    await throttle.WaitAsync(written, cancellationToken);
                }

                await destination.WriteAsync(output.AsMemory(0, written), cancellationToken);
                progress.Progress(written);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>TYPE A upload: CRLF becomes LF; a lone CR is kept.</summary>
    private static async ValueTask CopyFromAsciiAsync(Stream source, Stream destination, ITransferProgress progress, CancellationToken cancellationToken)
    {
        var throttle = progress.Throttle;
        var size = Math.Min(BufferSize, throttle?.SliceSize ?? BufferSize);
        var input = ArrayPool<byte>.Shared.Rent(BufferSize);
        var output = ArrayPool<byte>.Shared.Rent(BufferSize + 1);
        var pendingCr = false;
        try
        {
            int read;
            while ((read = await source.ReadAsync(input.AsMemory(0, size), cancellationToken)) > 0)
            {
                var written = 0;
                for (var i = 0; i < read; i++)
                {
                    var b = input[i];
                    if (pendingCr)
                    {
                        pendingCr = false;
                        if (b != (byte)'\n')
                        {
                            output[written++] = (byte)'\r';
                        }
                    }

                    if (b == (byte)'\r')
                    {
                        pendingCr = true;
                        continue;
                    }

                    output[written++] = b;
                }

                progress.Reserve(written);
                await destination.WriteAsync(output.AsMemory(0, written), cancellationToken);
                progress.Progress(read);
                if (throttle is not null)
                {
                    await throttle.WaitAsync(read, cancellationToken);
                }
            }

            if (pendingCr)
            {
                output[0] = (byte)'\r';
                await destination.WriteAsync(output.AsMemory(0, 1), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
