namespace Ftp.Embedded.Internal.Session;

/// <summary>Deadlines, shutdown and the end of the session.</summary>
internal sealed partial class FtpSession
{
    /// <summary>Called every second by the server's heartbeat: enforces login, idle, reply and data deadlines.</summary>
    public void OnHeartbeat(long now)
    {
        var closing = _closeReason is not null || _closing;
        var verdict = _timeouts.Check(now, _replies.FlushStartedAt, closing, _login.Phase == SessionPhase.LoggedIn, IsTransferRunning);
        switch (verdict)
        {
            case TimeoutVerdict.ReplyNotRead:
                // The client stopped reading its replies: nothing more can be said to it.
                Abort("Client does not read its replies.", reply: false);
                break;
            case TimeoutVerdict.LoginTimeoutDuringCommand:
                Abort("Login timeout; closing control connection.");
                break;
            case TimeoutVerdict.LoginTimeout:
                RequestClose("Login timeout; closing control connection.");
                break;
            case TimeoutVerdict.TransferRunning:
                _transfer?.CheckDeadline(now);
                break;
            case TimeoutVerdict.CommandStuck:
                Abort("Command timed out.");
                break;
            case TimeoutVerdict.Idle:
                RequestClose("Timeout: no command for too long; closing control connection.");
                break;
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
        if (_transfer is { Task.IsCompleted: false } transfer)
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
        _transfer?.Cancel(TransferCancelReason.Shutdown);
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
        if (!_timeouts.Executing && !IsTransferRunning)
        {
            WakeCommandLoop();
        }
    }

    /// <summary>Cancels the command loop's pending read, so it sees the close reason.</summary>
    private void WakeCommandLoop()
    {
        try
        {
            _reader?.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async ValueTask CloseAsync()
    {
        _closing = true;
        await SessionCloser.StopTransferAsync(_transfer).ConfigureAwait(false);
        PrepareData(null);
        HoldUserSession(null);
        var cut = _aborted.IsCancellationRequested;
        await SessionCloser.CompletePipesAsync(_connection, cut, _replies, _reader).ConfigureAwait(false);
        await SessionCloser.ReleaseConnectionAsync(_connection, cut).ConfigureAwait(false);
        await SessionCloser.DisposeFileSystemAsync(_login.LoggedIn?.FileSystem).ConfigureAwait(false);
        _aborted.Dispose();
    }
}
