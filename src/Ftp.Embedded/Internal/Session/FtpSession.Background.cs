using System.Net.Sockets;
using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// Work on the control connection that may take long (HASH of a large file) runs beside the command loop as the
/// session's one transfer, without a data connection: ABOR cancels it, STAT reports its progress, the stall timeout
/// cuts it when it reports none, a command that is not allowed during a transfer waits for it, and shutdown drains it.
/// </summary>
internal sealed partial class FtpSession
{
    private void StartBackground(string description, Func<Transfer, Task<(FtpReplyCode Code, string Text)>> work)
    {
        _transfer?.Dispose();
        var transfer = new Transfer(Context, description, Aborted) { Verb = _commandVerb };
        _transfer = transfer;
        // The work's reply is the command's; it counts the command when it ends.
        _commandHandedToTransfer = true;
        transfer.ArmStall();
        transfer.Task = RunBackgroundAsync(transfer, work);
    }

    private async Task RunBackgroundAsync(Transfer transfer, Func<Transfer, Task<(FtpReplyCode Code, string Text)>> work)
    {
        await Task.Yield();
        var running = InvokeAsync(work, transfer);
        (FtpReplyCode Code, string Text) reply;
        if (!await EndsOrAbandonAsync(running, transfer, transfer.Verb).ConfigureAwait(false))
        {
            _ = FinishAbandonedAsync(running, null, transfer.Verb);
            reply = BackgroundCutReply(transfer.Reason);
        }
        else
        {
            reply = await OutcomeAsync(running, transfer).ConfigureAwait(false);
        }

        _timeouts.Touch();
        Context.Metrics.Command(transfer.Verb, (int)reply.Code);
        try
        {
            await _replies.WriteAsync(reply.Code, reply.Text, ofCommand: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        if (_closeReason is not null)
        {
            WakeCommandLoop();
        }

        static async Task<(FtpReplyCode, string)> InvokeAsync(Func<Transfer, Task<(FtpReplyCode, string)>> work, Transfer transfer)
            => await work(transfer).ConfigureAwait(false);
    }

    /// <summary>The work's own reply; when it was cut, why; when the filesystem threw, the mapped error (451 logged).</summary>
    private async ValueTask<(FtpReplyCode Code, string Text)> OutcomeAsync(Task<(FtpReplyCode Code, string Text)> running, Transfer transfer)
    {
        try
        {
            return await running.ConfigureAwait(false);
        }
        catch (Exception ex) when (transfer.Reason != TransferCancelReason.None || ex is OperationCanceledException)
        {
            return BackgroundCutReply(transfer.Reason);
        }
        catch (Exception ex)
        {
            var mapped = FtpErrors.MapTransfer(ex);
            if (mapped.Code == FtpReplyCode.LocalError)
            {
                FtpLog.ProviderFailed(Context.Logger, Info.Id, transfer.Verb, ex);
            }

            return mapped;
        }
    }

    /// <summary>ABOR: 426, which ABOR's own 226 follows; the stall timeout or a shutdown: 451.</summary>
    private static (FtpReplyCode Code, string Text) BackgroundCutReply(TransferCancelReason reason) => reason switch
    {
        TransferCancelReason.Abort => (FtpReplyCode.TransferAborted, "Aborted by ABOR."),
        TransferCancelReason.StallTimeout => (FtpReplyCode.LocalError, "Requested action aborted: no progress for too long."),
        TransferCancelReason.Shutdown => (FtpReplyCode.LocalError, "Requested action aborted: server shutting down."),
        _ => (FtpReplyCode.LocalError, "Requested action aborted."),
    };
}
