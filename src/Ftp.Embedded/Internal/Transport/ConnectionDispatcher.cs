using Ftp.Embedded.Internal.Connections;
using Ftp.Embedded.Internal.Hosting;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>
/// The accept loop: takes connections from a listener, numbers them and hands each to the connection pipeline. The
/// pipeline's first steps (admission) run before the next accept, so limits are counted in the order clients arrive.
/// </summary>
internal sealed class ConnectionDispatcher(ConnectionDelegate pipeline, ILogger logger, CancellationToken stopping)
{
    private long _lastConnectionId;

    /// <summary>Accepts from <paramref name="listener"/> until it closes or the server stops.</summary>
    public async Task AcceptConnectionsAsync(IConnectionListener listener)
    {
        while (!stopping.IsCancellationRequested)
        {
            FtpConnection? connection;
            try
            {
                connection = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (IOException ex)
            {
                FtpLog.AcceptFailed(logger, ex);
                continue;
            }

            if (connection is null)
            {
                return;
            }

            connection.Id = Interlocked.Increment(ref _lastConnectionId);
            _ = ExecuteAsync(connection);
        }
    }

    private async Task ExecuteAsync(FtpConnection connection)
    {
        try
        {
            await pipeline(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            FtpLog.SessionFailed(logger, connection.Id, ex);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
