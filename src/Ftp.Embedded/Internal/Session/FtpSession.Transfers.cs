using System.Diagnostics;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>What a transfer reports to the application when it ends (RETR, STOR, STOU, APPE).</summary>
internal sealed record TransferAudit(FtpTransferDirection Direction, string Path);

/// <summary>
/// The body of a transfer: moves the data over the open data connection. <paramref name="stream"/> is the socket's
/// <see cref="NetworkStream"/>, or an <see cref="System.Net.Security.SslStream"/> under PROT P; the raw
/// <paramref name="socket"/> may be used directly (sendfile) only when the stream is a <see cref="NetworkStream"/>.
/// </summary>
internal delegate ValueTask TransferBody(Socket socket, Stream stream, Transfer transfer, CancellationToken cancellationToken);

/// <summary>Runs transfers beside the command loop, so ABOR, STAT, NOOP and QUIT are answered meanwhile.</summary>
internal sealed partial class FtpSession
{
    /// <summary>
    /// Starts a transfer over the prepared data connection: open it (425 on failure), 150, run <paramref name="body"/>,
    /// close, then 226, or 426 when it broke or was aborted. <paramref name="cleanup"/> runs after the body either way
    /// (with <see langword="true"/> when it completed) and before the final reply.
    /// </summary>
    public async ValueTask StartTransferAsync(string openingText, TransferBody body, TransferAudit? audit, Func<bool, ValueTask>? cleanup = null, long limit = long.MaxValue)
    {
        var channel = TakePreparedData();
        var unprotected = channel is not null && !DataProtected && Commands.Security.RequiresTls(this, forData: true);
        if (channel is null || unprotected)
        {
            channel?.Dispose();
            if (cleanup is not null)
            {
                await cleanup(false).ConfigureAwait(false);
            }

            if (unprotected)
            {
                await ReplyAsync(521, "Data connections must be protected: send PBSZ 0 and PROT P.").ConfigureAwait(false);
            }
            else
            {
                await ReplyAsync(425, "Use PORT, EPRT, PASV or EPSV first.").ConfigureAwait(false);
            }

            return;
        }

        CurrentTransfer?.Dispose();
        var transfer = new Transfer(this, openingText) { Verb = _commandVerb, Binary = Settings.Type == DataType.Binary, Limit = limit };
        CurrentTransfer = transfer;
        // The transfer's final reply (226, 425, 426...) is the command's; it counts the command when it ends.
        _commandHandedToTransfer = true;
        transfer.Task = RunTransferAsync(transfer, channel, openingText, body, audit, cleanup);
    }

    private async Task RunTransferAsync(Transfer transfer, DataChannel channel, string openingText, TransferBody body, TransferAudit? audit, Func<bool, ValueTask>? cleanup)
    {
        await Task.Yield();
        using var activity = audit is null ? null : FtpActivities.StartTransfer(_activity, audit.Direction, audit.Path);
        transfer.Activity = activity;
        Socket? socket = null;
        Task? running = null;
        (int Code, string Text)? failure = null;
        try
        {
            (socket, failure) = await OpenDataAsync(transfer, channel).ConfigureAwait(false);
            if (socket is null)
            {
                return;
            }

            // 150 first, then the TLS handshake on the data connection: ftplib and lftp wait for the reply before they
            // start it; curl starts at once, and its ClientHello simply waits in the socket.
            transfer.ArmStall();
            await WriteReplyAsync(150, openingText, ofCommand: false).ConfigureAwait(false);
            await using Stream stream = DataProtected
                ? await AuthenticateAsync(new NetworkStream(socket, ownsSocket: false), dataConnection: true, transfer.Token).ConfigureAwait(false)
                : new NetworkStream(socket, ownsSocket: false);
            transfer.AttachData(socket);
            using (transfer.Token.Register(static s => ((Socket)s!).Dispose(), socket))
            {
                running = StartBody(body, socket, stream, transfer);
                failure = await AwaitBodyAsync(running, socket, stream, transfer).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException)
        {
            // A failed TLS handshake on the data connection lands here too.
            if (running is not { IsCompletedSuccessfully: true })
            {
                failure ??= (425, "Can't open data connection: TLS negotiation failed or the connection broke.");
            }
        }
        finally
        {
            socket?.Dispose();
            var completed = failure is null && running is { IsCompletedSuccessfully: true };
            if (running is { IsCompleted: false })
            {
                // Abandoned: the body still holds the filesystem's stream, so the cleanup waits until it returns.
                _ = FinishAbandonedAsync(running, cleanup, "transfer");
            }
            else if (cleanup is not null && await CleanUpAsync(cleanup, transfer, completed).ConfigureAwait(false) is { } cleanupFailure)
            {
                completed = false;
                failure = cleanupFailure;
            }

            await FinishTransferAsync(transfer, completed, failure, audit).ConfigureAwait(false);
        }
    }

    /// <summary>Opens the prepared data connection; on failure, the reply that says why (425, or 426 when cut meanwhile).</summary>
    private async ValueTask<(Socket? Socket, (int Code, string Text)? Failure)> OpenDataAsync(Transfer transfer, DataChannel channel)
    {
        transfer.ArmConnect();
        try
        {
            return (await channel.OpenAsync(this, transfer.Token).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            FtpLog.DataConnectionFailed(Context.Logger, Info.Id, ex);
            return (null, transfer.Reason switch
            {
                TransferCancelReason.ConnectTimeout => (425, "Can't open data connection: timed out waiting for it."),
                TransferCancelReason.None => (425, "Can't open data connection."),
                _ => (426, CancelText(transfer.Reason)),
            });
        }
        finally
        {
            channel.Dispose();
        }
    }

    /// <summary>Starts the body as a task; an exception it throws at once faults the task like a later one.</summary>
    private static async Task StartBody(TransferBody body, Socket socket, Stream stream, Transfer transfer)
        => await body(socket, stream, transfer, transfer.Token).ConfigureAwait(false);

    /// <summary>
    /// Waits for the body, then ends the data connection cleanly. Returns the failure reply, or <see langword="null"/> when
    /// everything was moved: 426 (552 for the quota) when the connection broke or the transfer was cut, including when
    /// the body is abandoned; the filesystem's error mapped as a transfer failure (451, 452) when it threw.
    /// </summary>
    private async ValueTask<(int Code, string Text)?> AwaitBodyAsync(Task running, Socket socket, Stream stream, Transfer transfer)
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
            if (mapped.Code == 451)
            {
                FtpLog.ProviderFailed(Context.Logger, Info.Id, "transfer", ex);
            }

            return mapped;
        }

        try
        {
            if (stream is System.Net.Security.SslStream ssl)
            {
                // Close the TLS session properly (close_notify), so the client can tell the end from a cut.
                await ssl.ShutdownAsync().ConfigureAwait(false);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The peer closed first (uploads do): everything was already moved.
        }

        return null;
    }

    private async ValueTask FinishTransferAsync(Transfer transfer, bool completed, (int Code, string Text)? failure, TransferAudit? audit)
    {
        var duration = Context.TimeProvider.GetElapsedTime(transfer.StartedAt);
        var (code, text) = completed ? (226, "Transfer complete.") : failure ?? (426, "Connection closed; transfer aborted.");
        if (audit is not null && User is { } user)
        {
            var bytes = transfer.Bytes;
            var outcome = TransferOutcome.FromReply(code);
            Interlocked.Add(ref audit.Direction == FtpTransferDirection.Upload ? ref _bytesUploaded : ref _bytesDownloaded, bytes);
            Context.Metrics.TransferEnded(audit.Direction, outcome, bytes, duration);
            FtpLog.Transfer(Context.Logger, Info.Id, user.Name, audit.Direction, audit.Path, bytes, duration, outcome);
            if (!completed && transfer.Reason == TransferCancelReason.Shutdown)
            {
                FtpLog.TransferCutByShutdown(Context.Logger, Info.Id, user.Name, audit.Direction, audit.Path, bytes);
            }

            Context.TransferLog?.TryWrite(new TransferLogEntry(Context.TimeProvider.GetLocalNow(), duration, Info.RemoteEndPoint.Address,
                bytes, audit.Path, transfer.Binary, audit.Direction, user.IsAnonymous, user.Name, completed));
            if (transfer.Activity is { IsAllDataRequested: true } activity)
            {
                activity.SetTag("ftp.transfer.bytes", bytes);
                activity.SetTag("ftp.transfer.outcome", outcome);
                if (outcome == TransferOutcome.Failed)
                {
                    activity.SetStatus(ActivityStatusCode.Error, text);
                }
            }

            Context.Events.RaiseTransferEnded(new FtpTransferEventArgs(Info, user, audit.Path, audit.Direction, bytes, duration, completed));
        }

        Touch();
        // Counted before the reply goes out, so a client that has the reply sees the command counted.
        Context.Metrics.Command(transfer.Verb, code);
        try
        {
            await WriteReplyAsync(code, text, ofCommand: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        if (_closeReason is not null)
        {
            try
            {
                _reader.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static (int Code, string Text) CutReply(TransferCancelReason reason)
        => (reason == TransferCancelReason.QuotaExceeded ? 552 : 426, CancelText(reason));

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
