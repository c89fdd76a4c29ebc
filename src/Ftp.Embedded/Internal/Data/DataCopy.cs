using System.Buffers;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Data;

/// <summary>Moves bytes between a file and the data connection through pooled buffers, or with zero copy for files on disk.</summary>
internal static class DataCopy
{
    private const int BufferSize = 256 * 1024;
    private const int LargeReceiveSize = 1024 * 1024;
    private const int SendFileChunk = 16 * 1024 * 1024;

    /// <summary>
    /// Copies with two pooled buffers so that reading the next chunk overlaps writing the previous one (socket and
    /// disk work in parallel on two cores).
    /// </summary>
    public static async ValueTask CopyAsync(Stream source, Stream destination, Transfer transfer, CancellationToken cancellationToken)
    {
        var current = ArrayPool<byte>.Shared.Rent(BufferSize);
        var next = ArrayPool<byte>.Shared.Rent(BufferSize);
        ValueTask<int> read = default;
        var reading = false;
        try
        {
            read = source.ReadAsync(current.AsMemory(0, BufferSize), cancellationToken);
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

                transfer.Reserve(count);
                var write = destination.WriteAsync(current.AsMemory(0, count), cancellationToken);
                read = source.ReadAsync(next.AsMemory(0, BufferSize), cancellationToken);
                reading = true;
                await write;
                transfer.Progress(count);
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
                transfer.CloseData();
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
    /// and system calls per byte, while slow uploads keep the small buffer.
    /// </summary>
    public static async ValueTask ReceiveToFileAsync(Socket socket, FileStream file, Transfer transfer, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var size = BufferSize;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer.AsMemory(0, size), SocketFlags.None, cancellationToken)) > 0)
            {
                transfer.Reserve(read);
                file.Write(buffer, 0, read);
                transfer.Progress(read);
                if (read == size && size < LargeReceiveSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(LargeReceiveSize);
                    size = LargeReceiveSize;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a file with the kernel's sendfile (Socket.SendPacketsAsync), in chunks so progress and aborts are seen.</summary>
    public static async ValueTask SendFileAsync(Socket socket, FileStream file, long offset, Transfer transfer, CancellationToken cancellationToken)
    {
        var length = file.Length;
        using var args = new SocketAsyncEventArgs();
        var completion = new SendPacketsCompletion(args);
        while (offset < length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = (int)Math.Min(SendFileChunk, length - offset);
            args.SendPacketsElements = [new SendPacketsElement(file, offset, count, endOfPacket: false)];
            await completion.SendAsync(socket);
            offset += count;
            transfer.Progress(count);
        }
    }

    /// <summary>TYPE A download: bare LF becomes CRLF (RFC 959 section 3.1.1.1).</summary>
    public static async ValueTask CopyToAsciiAsync(Stream source, Stream destination, Transfer transfer, CancellationToken cancellationToken)
    {
        var input = ArrayPool<byte>.Shared.Rent(BufferSize / 2);
        var output = ArrayPool<byte>.Shared.Rent(BufferSize);
        var previous = (byte)0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(input.AsMemory(0, BufferSize / 2), cancellationToken)) > 0)
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

                await destination.WriteAsync(output.AsMemory(0, written), cancellationToken);
                transfer.Progress(written);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>TYPE A upload: CRLF becomes LF; a lone CR is kept.</summary>
    public static async ValueTask CopyFromAsciiAsync(Stream source, Stream destination, Transfer transfer, CancellationToken cancellationToken)
    {
        var input = ArrayPool<byte>.Shared.Rent(BufferSize);
        var output = ArrayPool<byte>.Shared.Rent(BufferSize + 1);
        var pendingCr = false;
        try
        {
            int read;
            while ((read = await source.ReadAsync(input.AsMemory(0, BufferSize), cancellationToken)) > 0)
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

                transfer.Reserve(written);
                await destination.WriteAsync(output.AsMemory(0, written), cancellationToken);
                transfer.Progress(read);
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

    /// <summary>Awaits SocketAsyncEventArgs completions of SendPacketsAsync.</summary>
    private sealed class SendPacketsCompletion
    {
        private readonly SocketAsyncEventArgs _args;
        private TaskCompletionSource? _pending;

        public SendPacketsCompletion(SocketAsyncEventArgs args)
        {
            _args = args;
            _args.Completed += (_, e) => Complete(e);
        }

        public Task SendAsync(Socket socket)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending = tcs;
            if (!socket.SendPacketsAsync(_args))
            {
                Complete(_args);
            }

            return tcs.Task;
        }

        private void Complete(SocketAsyncEventArgs e)
        {
            var tcs = _pending!;
            if (e.SocketError == SocketError.Success)
            {
                tcs.TrySetResult();
            }
            else
            {
                tcs.TrySetException(new SocketException((int)e.SocketError));
            }
        }
    }
}
