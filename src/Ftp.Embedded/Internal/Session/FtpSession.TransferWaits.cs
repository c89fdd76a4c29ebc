using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// How a transfer waits for the filesystem: without end while data moves (the stall timeout watches it), and for a
/// bounded grace once the transfer is cut, so that a filesystem call that ignores its cancellation cannot hold the final
/// reply, ABOR, QUIT or shutdown. An abandoned call is still observed, and its stream closed, when it returns.
/// </summary>
internal sealed partial class FtpSession
{
    /// <summary>
    /// How long a filesystem call may take to return once its transfer is cut. The data connection is closed by then,
    /// so a call that honours cancellation (or only waits on the connection) returns at once; this is for one that does not.
    /// </summary>
    internal static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Waits for <paramref name="task"/>, a call into the filesystem: <see langword="true"/> when it ended (its outcome is
    /// then read by awaiting it), <see langword="false"/> when it was abandoned, <see cref="AbandonGrace"/> after the
    /// transfer was cut (at once when the session itself is cut).
    /// </summary>
    private async ValueTask<bool> EndsOrAbandonAsync(Task task, Transfer transfer, string operation)
    {
        await task.WaitAsync(transfer.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!task.IsCompleted)
        {
            await task.WaitAsync(AbandonGrace, Context.TimeProvider, transfer.SessionAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (task.IsCompleted)
        {
            return true;
        }

        FtpLog.ProviderAbandoned(Context.Logger, Info.Id, operation, AbandonGrace);
        return false;
    }

    /// <summary>
    /// Runs the transfer's cleanup (closing the file; for an atomic upload, the rename or the removal of the temporary
    /// file) and waits for it as for the body. Returns the reply that replaces 226 when it fails or is abandoned after a
    /// complete transfer; otherwise <see langword="null"/>, the transfer's own outcome standing.
    /// </summary>
    private async ValueTask<(FtpReplyCode Code, string Text)?> CleanUpAsync(Func<bool, ValueTask> cleanup, Transfer transfer, bool completed)
    {
        // The cleanup gets a whole stall period of its own before the heartbeat cuts it.
        transfer.ArmStall();
        var cleaning = InvokeAsync(cleanup, completed);
        if (!await EndsOrAbandonAsync(cleaning, transfer, "transfer cleanup").ConfigureAwait(false))
        {
            _ = FinishAbandonedAsync(cleaning, null, "transfer cleanup");
            return completed ? (FtpReplyCode.LocalError, "Requested action aborted: local error in processing.") : null;
        }

        try
        {
            await cleaning.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            FtpLog.ProviderFailed(Context.Logger, Info.Id, "transfer cleanup", ex);
            return completed ? FtpErrors.MapTransfer(ex) : null;
        }

        static async Task InvokeAsync(Func<bool, ValueTask> cleanup, bool completed) => await cleanup(completed).ConfigureAwait(false);
    }

    /// <summary>
    /// Follows a filesystem call the transfer stopped waiting for: observes its outcome when it returns, then runs the
    /// cleanup it still owes (closing the stream, removing an atomic upload's temporary file), and logs both.
    /// </summary>
    private async Task FinishAbandonedAsync(Task task, Func<bool, ValueTask>? cleanup, string operation)
    {
        var abandonedAt = Context.TimeProvider.GetTimestamp();
        Exception? error = null;
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (cleanup is not null)
        {
            try
            {
                await cleanup(false).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                FtpLog.ProviderFailed(Context.Logger, Info.Id, "transfer cleanup", ex);
            }
        }

        FtpLog.AbandonedCallReturned(Context.Logger, Info.Id, operation, Context.TimeProvider.GetElapsedTime(abandonedAt), error);
    }
}
