using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.FileSystems;

/// <summary>Removes, in the background after start, the unfinished uploads an earlier process left (IFtpStaleUploadCleanup).</summary>
internal static class StaleUploads
{
    /// <summary>A live transfer that moves nothing for the stall timeout has been ended; a minute more covers clocks and flushes.</summary>
    public static TimeSpan StaleAfter(FtpServerLimits limits) => limits.DataStallTimeout + TimeSpan.FromMinutes(1);

    public static Task RemoveAsync(ServerContext context, CancellationToken cancellationToken)
    {
        if (context.FileSystemProvider is not IFtpStaleUploadCleanup cleanup)
        {
            return Task.CompletedTask;
        }

        return Task.Run(async () =>
        {
            try
            {
                var removed = await cleanup.RemoveStaleUploadsAsync(StaleAfter(context.Options.Limits), cancellationToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    FtpLog.StaleUploadsRemoved(context.Logger, removed);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // The application's provider failed: logged, and the server serves on.
                FtpLog.StaleUploadCleanupFailed(context.Logger, ex);
            }
        }, CancellationToken.None);
    }
}
