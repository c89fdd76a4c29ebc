using System.Diagnostics;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// Runs transfers beside the command loop, so ABOR, STAT, NOOP and QUIT are answered meanwhile. Every transfer takes
/// the same road: open the file or listing, open the data connection (425), 150, TLS under PROT P, copy, close, finish
/// the file (close, commit), then 226 or the reply that says what went wrong.
/// </summary>
internal sealed partial class FtpSession
{
    private PassiveListener? _passiveListener; // kept across PASV/EPSV; PrepareData gives it up

    /// <summary>
    /// Opens what <paramref name="request"/> moves (its errors are the command's reply) and starts the transfer over the
    /// prepared data connection; 425 without one, 521 when the policy wants it protected and it is not.
    /// </summary>
    private async ValueTask StartTransferAsync(TransferRequest request)
    {
        var body = await request.OpenAsync(LoggedIn.FileSystem, Aborted).ConfigureAwait(false);
        var channel = TakePreparedData();
        var unprotected = channel is not null && !_tls.DataProtected && request.ProtectionRequired;
        if (channel is null || unprotected)
        {
            channel?.Dispose();
            await body.FinishAsync(completed: false).ConfigureAwait(false);
            var (code, text) = unprotected ? (FtpReplyCode.CantOpenDataConnectionWithProt, "Data connections must be protected: send PBSZ 0 and PROT P.") : (FtpReplyCode.CantOpenDataConnection, "Use PORT, EPRT, PASV or EPSV first.");
            await Reply(code, text).ConfigureAwait(false);
            return;
        }

        _transfer?.Dispose();
        var transfer = new Transfer(Context, request.OpeningText, Aborted)
        {
            Verb = _commandVerb,
            Binary = request.Binary,
            Limit = request.Limit,
            Throttle = ThrottleFor(request.Direction, LoggedIn.User),
            CompressionLevel = _settings.Compressed ? _settings.CompressionLevel : null,
        };
        _transfer = transfer;
        // The transfer's final reply (226, 425, 426...) is the command's; it counts the command when it ends.
        _commandHandedToTransfer = true;
        transfer.Task = RunTransferAsync(transfer, channel, request, body);
    }

    private async Task RunTransferAsync(Transfer transfer, DataChannel channel, TransferRequest request, TransferBody body)
    {
        await Task.Yield();
        using var activity = request.Direction is { } direction ? FtpActivities.StartTransfer(_activity, direction, request.Path) : null;
        transfer.Activity = activity;
        DataConnection? data = null;
        Task? running = null;
        (FtpReplyCode Code, string Text)? failure = null;
        try
        {
            (data, failure) = await OpenDataAsync(transfer, channel).ConfigureAwait(false);
            if (data is null)
            {
                return;
            }

            await ReadyAsync(data, transfer).ConfigureAwait(false);
            using (transfer.Token.Register(static d => ((DataConnection)d!).Abort(), data))
            {
                running = StartCopy(body, data, transfer);
                failure = await AwaitCopyAsync(running, data, transfer).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException)
        {
            // A failed TLS handshake on the data connection lands here too.
            if (running is not { IsCompletedSuccessfully: true })
            {
                failure ??= (FtpReplyCode.CantOpenDataConnection, "Can't open data connection: TLS negotiation failed or the connection broke.");
            }
        }
        finally
        {
            if (data is not null)
            {
                await data.DisposeAsync().ConfigureAwait(false);
            }

            await EndTransferAsync(transfer, request, body, running, failure).ConfigureAwait(false);
        }
    }

    /// <summary>Opens the prepared data connection; on failure, the reply that says why (425, or 426 when cut meanwhile).</summary>
    private async ValueTask<(DataConnection? Data, (FtpReplyCode Code, string Text)? Failure)> OpenDataAsync(Transfer transfer, DataChannel channel)
    {
        transfer.ArmConnect();
        try
        {
            var context = new DataChannelContext(Context.DataChannelPolicy, Info, Context.Logger);
            return (await channel.OpenAsync(context, transfer.Token).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            FtpLog.DataConnectionFailed(Context.Logger, Info.Id, ex);
            return (null, transfer.Reason switch
            {
                TransferCancelReason.ConnectTimeout => (FtpReplyCode.CantOpenDataConnection, "Can't open data connection: timed out waiting for it."),
                TransferCancelReason.None => (FtpReplyCode.CantOpenDataConnection, "Can't open data connection."),
                _ => (FtpReplyCode.TransferAborted, CancelText(transfer.Reason)),
            });
        }
        finally
        {
            channel.Dispose();
        }
    }

    /// <summary>
    /// 150 first, then the TLS handshake on the data connection under PROT P: ftplib and lftp wait for the reply before
    /// they start it; curl starts at once, and its ClientHello simply waits in the socket.
    /// </summary>
    private async ValueTask ReadyAsync(DataConnection data, Transfer transfer)
    {
        transfer.ArmStall();
        await _replies.WriteAsync(FtpReplyCode.OpeningDataConnection, transfer.Description, ofCommand: false).ConfigureAwait(false);
        if (_tls.DataProtected)
        {
            data.Protect(await AuthenticateAsync(data.Stream, dataConnection: true, transfer.Token).ConfigureAwait(false));
        }

        if (transfer.CompressionLevel is { } level)
        {
            data.Compress(level);
        }
    }

    /// <summary>
    /// Starts the copy as a task; an exception it throws at once faults the task like a later one. Its end (the zlib
    /// trailer in MODE Z) is part of the copy, so a failure to send it is the transfer's.
    /// </summary>
    private static async Task StartCopy(TransferBody body, DataConnection data, Transfer transfer)
    {
        await body.CopyAsync(data, transfer, transfer.Token).ConfigureAwait(false);
        await data.CompleteAsync(transfer.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the copy, then ends the data connection cleanly. Returns the failure reply, or <see langword="null"/> when
    /// everything was moved: 426 (552 for the quota) when the connection broke or the transfer was cut, including when
    /// the copy is abandoned; the filesystem's error mapped as a transfer failure (451, 452) when it threw.
    /// </summary>
    private async ValueTask<(FtpReplyCode Code, string Text)?> AwaitCopyAsync(Task running, DataConnection data, Transfer transfer)
    {
        try
        {
            if (!await EndsOrAbandonAsync(running, transfer, "transfer").ConfigureAwait(false))
            {
                return CutReply(transfer.Reason);
            }

            await running.ConfigureAwait(false);
        }
        catch (Exception ex) when (transfer.Reason != TransferCancelReason.None
                                   || ex is SocketException or OperationCanceledException or ObjectDisposedException
                                   || (ex is IOException && ex.InnerException is SocketException))
        {
            return CutReply(transfer.Reason);
        }
        catch (Exception ex)
        {
            var mapped = FtpErrors.MapTransfer(ex);
            if (mapped.Code == FtpReplyCode.LocalError)
            {
                FtpLog.ProviderFailed(Context.Logger, Info.Id, "transfer", ex);
            }

            return mapped;
        }

        await data.CloseAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Finishes the file (closing it; committing a complete upload), or leaves that to the abandoned copy when it has
    /// not returned, then gives the final reply: 226 only after a clean end and a clean finish.
    /// </summary>
    private async ValueTask EndTransferAsync(Transfer transfer, TransferRequest request, TransferBody body, Task? running, (FtpReplyCode Code, string Text)? failure)
    {
        var completed = failure is null && running is { IsCompletedSuccessfully: true };
        if (running is { IsCompleted: false })
        {
            // Abandoned: the copy still holds the filesystem's stream, so the finish waits until it returns.
            _ = FinishAbandonedAsync(running, body.FinishAsync, "transfer");
        }
        else if (await CleanUpAsync(body.FinishAsync, transfer, completed).ConfigureAwait(false) is { } cleanupFailure)
        {
            completed = false;
            failure = cleanupFailure;
        }

        await FinishTransferAsync(transfer, completed, failure, request).ConfigureAwait(false);
    }

    /// <summary>Reports a file transfer's end (metrics, log, xferlog, activity, event), then writes the final reply.</summary>
    private async ValueTask FinishTransferAsync(Transfer transfer, bool completed, (FtpReplyCode Code, string Text)? failure, TransferRequest request)
    {
        var (code, text) = completed ? (FtpReplyCode.ClosingDataConnection, "Transfer complete.") : failure ?? (FtpReplyCode.TransferAborted, "Connection closed; transfer aborted.");
        if (request.Direction is { } direction && _login.LoggedIn?.User is { } user)
        {
            Report(transfer, direction, request.Path, user, completed, code, text);
        }

        _timeouts.Touch();
        // Counted before the reply goes out, so a client that has the reply sees the command counted.
        Context.Metrics.Command(transfer.Verb, (int)code);
        try
        {
            await _replies.WriteAsync(code, text, ofCommand: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        if (_closeReason is not null)
        {
            WakeCommandLoop();
        }
    }

    private void Report(Transfer transfer, FtpTransferDirection direction, string path, FtpUser user, bool completed, FtpReplyCode code, string text)
    {
        var duration = Context.TimeProvider.GetElapsedTime(transfer.StartedAt);
        var bytes = transfer.Bytes;
        var outcome = TransferOutcome.FromReply((int)code);
        Interlocked.Add(ref direction == FtpTransferDirection.Upload ? ref _bytesUploaded : ref _bytesDownloaded, bytes);
        Context.Metrics.TransferEnded(direction, outcome, bytes, duration);
        FtpLog.Transfer(Context.Logger, Info.Id, user.Name, direction, path, bytes, duration, outcome);
        if (!completed && transfer.Reason == TransferCancelReason.Shutdown)
        {
            FtpLog.TransferCutByShutdown(Context.Logger, Info.Id, user.Name, direction, path, bytes);
        }

        Context.TransferLog?.TryWrite(new TransferLogEntry(Context.TimeProvider.GetLocalNow(), duration, Info.RemoteEndPoint.Address,
            bytes, path, transfer.Binary, direction, user.IsAnonymous, user.Name, completed));
        if (transfer.Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("ftp.transfer.bytes", bytes);
            activity.SetTag("ftp.transfer.outcome", outcome);
            if (outcome == TransferOutcome.Failed)
            {
                activity.SetStatus(ActivityStatusCode.Error, text);
            }
        }

        Context.Events.RaiseTransferEnded(new FtpTransferEventArgs(Info, user, path, direction, bytes, duration, completed));
    }

    private static (FtpReplyCode Code, string Text) CutReply(TransferCancelReason reason)
        => (reason == TransferCancelReason.QuotaExceeded ? FtpReplyCode.ExceededStorageAllocation : FtpReplyCode.TransferAborted, CancelText(reason));

    private static string CancelText(TransferCancelReason reason) => reason switch
    {
        TransferCancelReason.Abort => "Connection closed; transfer aborted.",
        TransferCancelReason.StallTimeout => "Connection closed; transfer aborted: no data moved for too long.",
        TransferCancelReason.ConnectTimeout => "Can't open data connection: timed out waiting for it.",
        TransferCancelReason.Shutdown => "Connection closed; transfer aborted: server shutting down.",
        TransferCancelReason.QuotaExceeded => "Requested file action aborted: exceeded storage allocation (quota).",
        _ => "Connection closed; transfer aborted.",
    };
}
