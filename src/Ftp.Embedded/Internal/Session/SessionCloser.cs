using System.IO.Pipelines;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// The end of a session, in order: the transfer is stopped, the pipes are completed, the connection is drained (or cut)
/// and released, and the user's filesystem is disposed.
/// </summary>
internal static class SessionCloser
{
    /// <summary>How long a cancelled transfer may take to end before the session closes without it.</summary>
    private static readonly TimeSpan TransferGrace = TimeSpan.FromSeconds(10);

    /// <summary>Cancels <paramref name="transfer"/> and waits for it within <see cref="TransferGrace"/>; disposes it once it ended.</summary>
    public static async ValueTask StopTransferAsync(Transfer? transfer)
    {
        if (transfer is null)
        {
            return;
        }

        transfer.Cancel(TransferCancelReason.SessionClosed);
        try
        {
            await transfer.Task.WaitAsync(TransferGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        // A transfer still running here outlived its grace (a clock that does not move): leave its token source alone.
        if (transfer.Task.IsCompleted)
        {
            transfer.Dispose();
        }
    }

    /// <summary>
    /// Completes the pipes. A session that was <paramref name="cut"/> drops the connection first: a reply the client never
    /// read may still sit in the pipe, and completing the writer would wait for the client to take it.
    /// </summary>
    public static async ValueTask CompletePipesAsync(FtpConnection connection, bool cut, ReplyChannel replies, PipeReader? reader)
    {
        if (cut)
        {
            connection.Abort();
        }

        try
        {
            await replies.CompleteAsync().ConfigureAwait(false);
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Ends the protocol (the session stops counting against the limits), drains a clean close, releases the connection.</summary>
    public static async ValueTask ReleaseConnectionAsync(FtpConnection connection, bool cut)
    {
        connection.EndProtocol();
        if (!cut)
        {
            await connection.ShutdownAndDrainAsync().ConfigureAwait(false);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    public static async ValueTask DisposeFileSystemAsync(IFtpFileSystem? fileSystem)
    {
        if (fileSystem is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (fileSystem is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
