using System.Net.Sockets;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>Replies, deadlines, shutdown and cleanup.</summary>
internal sealed partial class FtpSession
{
    /// <summary>Writes and flushes one reply of the command being executed.</summary>
    public ValueTask ReplyAsync(FtpReplyCode code, string text) => WriteReplyAsync(code, text, ofCommand: true);

    /// <summary>
    /// Writes and flushes one reply. Safe to call from the transfer task and the command loop; only the command loop's
    /// replies (<paramref name="ofCommand"/>) count as the reply of the command being executed, for the metrics.
    /// </summary>
    private async ValueTask WriteReplyAsync(FtpReplyCode code, string text, bool ofCommand)
    {
        await _writeLock.WaitAsync(_aborted.Token).ConfigureAwait(false);
        try
        {
            if (ofCommand)
            {
                _lastReplyCode = (int)code;
            }

            ReplyWriter.Write(_writer, (int)code, text);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes and flushes a multi-line reply.</summary>
    public async ValueTask ReplyMultilineAsync(FtpReplyCode code, string first, IEnumerable<string> lines, string last)
    {
        await _writeLock.WaitAsync(_aborted.Token).ConfigureAwait(false);
        try
        {
            _lastReplyCode = (int)code;
            ReplyWriter.WriteMultiline(_writer, (int)code, first, lines, last);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Writes a multi-line reply whose inner lines are produced by <paramref name="writeLines"/> straight into the output
    /// (each line must start with a space), for STAT and MLST listings over the control connection.
    /// </summary>
    public async ValueTask ReplyStreamingAsync(FtpReplyCode code, string first, Func<System.IO.Pipelines.PipeWriter, CancellationToken, ValueTask> writeLines, string last)
    {
        await _writeLock.WaitAsync(_aborted.Token).ConfigureAwait(false);
        try
        {
            _lastReplyCode = (int)code;
            ReplyWriter.WriteLine(_writer, (int)code, '-', first);
            await writeLines(_writer, _aborted.Token).ConfigureAwait(false);
            ReplyWriter.WriteLine(_writer, (int)code, ' ', last);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Flushes the reply, timing it so the heartbeat can cut a client that never reads.</summary>
    private async ValueTask FlushAsync()
    {
        var flush = _writer.FlushAsync(_aborted.Token);
        if (flush.IsCompletedSuccessfully)
        {
            return;
        }

        Volatile.Write(ref _flushStartedAt, Context.TimeProvider.GetTimestamp());
        try
        {
            await flush.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _flushStartedAt, 0);
        }
    }

    /// <summary>Called every second by the server's heartbeat: enforces login, idle, reply and data deadlines.</summary>
    public void OnHeartbeat(long now)
    {
        var limits = Context.Options.Limits;
        var time = Context.TimeProvider;
        var flushing = Volatile.Read(ref _flushStartedAt);
        if (flushing != 0 && time.GetElapsedTime(flushing, now) >= limits.ReplyTimeout)
        {
            // The client stopped reading its replies: nothing more can be said to it.
            Abort("Client does not read its replies.", reply: false);
            return;
        }

        if (_closeReason is not null || Phase == SessionPhase.Closing)
        {
            return;
        }

        if (Phase != SessionPhase.LoggedIn && time.GetElapsedTime(_startedAt, now) >= limits.LoginTimeout)
        {
            // Also while a command runs: a hanging authenticator or a TLS handshake cannot stretch the login window.
            if (_executing)
            {
                Abort("Login timeout; closing control connection.");
            }
            else
            {
                RequestClose("Login timeout; closing control connection.");
            }

            return;
        }

        var transfer = CurrentTransfer;
        if (transfer is { Task.IsCompleted: false })
        {
            transfer.CheckDeadline(now);
            return;
        }

        if (_executing)
        {
            // A command that makes no progress for longer than the idle timeout (a client that never reads its
            // replies, a provider that hangs) cannot hold the session forever.
            if (time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= limits.IdleTimeout + limits.DataStallTimeout)
            {
                Abort("Command timed out.");
            }

            return;
        }

        if (time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= limits.IdleTimeout)
        {
            RequestClose("Timeout: no command for too long; closing control connection.");
        }
    }

    /// <summary>Asks the session to end: idle sessions get 421 at once, busy ones after the current command.</summary>
    public void BeginShutdown() => RequestClose("Server shutting down; closing control connection.");

    /// <summary>
    /// Ends the session's transfer now (426) and then the session (421), for a shutdown past its deadline; a command that
    /// does not end on its own is left to <see cref="Abort"/>.
    /// </summary>
    public void Cut(string reason)
    {
        _closeReason ??= reason;
        if (CurrentTransfer is { Task.IsCompleted: false } transfer)
        {
            transfer.Cancel(TransferCancelReason.Shutdown);
        }
        else
        {
            RequestClose(reason);
        }
    }

    /// <summary>Cuts the session now: a running transfer is cancelled, a 421 is attempted, and the connection closes.</summary>
    public void Abort(string reason, bool reply = true)
    {
        _closeReason ??= reason;
        if (!reply)
        {
            _silentAbort = true;
        }

        FtpLog.SessionCut(Context.Logger, Info.Id, reason);
        CurrentTransfer?.Cancel(TransferCancelReason.Shutdown);
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void RequestClose(string reason)
    {
        _closeReason ??= reason;
        if (!_executing && !IsTransferRunning)
        {
            try
            {
                _reader?.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private async ValueTask CloseAsync()
    {
        Phase = SessionPhase.Closing;
        if (CurrentTransfer is { } transfer)
        {
            transfer.Cancel(TransferCancelReason.SessionClosed);
            try
            {
                await transfer.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        // A transfer still running here outlived its grace (a clock that does not move): leave its token source alone.
        if (CurrentTransfer is { Task.IsCompleted: true } ended)
        {
            ended.Dispose();
        }

        SetPreparedData(null);
        if (_aborted.IsCancellationRequested)
        {
            // Cut, not closed: a reply the client never read may still sit in the pipe, and completing the writer would
            // wait for the client to take it. Drop the connection first.
            _connection.Abort();
        }

        try
        {
            if (_writer is not null)
            {
                await _writer.CompleteAsync().ConfigureAwait(false);
            }

            if (_reader is not null)
            {
                await _reader.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        // The protocol is over: the session no longer counts against the limits while its close drains.
        _connection.EndProtocol();
        if (!_aborted.IsCancellationRequested)
        {
            await _connection.ShutdownAndDrainAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        if (FileSystem is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (FileSystem is IDisposable disposable)
        {
            disposable.Dispose();
        }

        _aborted.Dispose();
    }
}
