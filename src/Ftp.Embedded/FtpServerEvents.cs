namespace Ftp.Embedded;

/// <summary>
/// Events the application can handle to audit or process what happens (for example to pick up uploaded files).
/// Handlers run on the session's task: keep them short, and start longer work elsewhere. An exception in a handler
/// is logged and does not affect the session.
/// </summary>
public sealed class FtpServerEvents
{
    /// <summary>A client connected and was greeted.</summary>
    public event EventHandler<FtpSessionEventArgs>? SessionStarted;

    /// <summary>A session ended.</summary>
    public event EventHandler<FtpSessionEventArgs>? SessionEnded;

    /// <summary>A user logged in.</summary>
    public event EventHandler<FtpLoginEventArgs>? LoginSucceeded;

    /// <summary>A login was rejected.</summary>
    public event EventHandler<FtpLoginEventArgs>? LoginFailed;

    /// <summary>A transfer (upload or download) ended, completed or aborted.</summary>
    public event EventHandler<FtpTransferEventArgs>? TransferEnded;

    /// <summary>
    /// An address was banned for too many failed logins (<see cref="FtpBanOptions"/>); its new connections get 421
    /// until <see cref="FtpAddressBannedEventArgs.Until"/>.
    /// </summary>
    public event EventHandler<FtpAddressBannedEventArgs>? AddressBanned;

    internal Action<Exception>? OnHandlerError { get; set; }

    internal void RaiseSessionStarted(FtpSessionEventArgs e) => Raise(SessionStarted, e);

    internal void RaiseSessionEnded(FtpSessionEventArgs e) => Raise(SessionEnded, e);

    internal void RaiseLoginSucceeded(FtpLoginEventArgs e) => Raise(LoginSucceeded, e);

    internal void RaiseLoginFailed(FtpLoginEventArgs e) => Raise(LoginFailed, e);

    internal void RaiseTransferEnded(FtpTransferEventArgs e) => Raise(TransferEnded, e);

    internal void RaiseAddressBanned(FtpAddressBannedEventArgs e) => Raise(AddressBanned, e);

    internal bool HasTransferHandlers => TransferEnded is not null;

    internal bool HasSessionStartedHandlers => SessionStarted is not null;

    internal bool HasSessionEndedHandlers => SessionEnded is not null;

    private void Raise<T>(EventHandler<T>? handler, T e)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, e);
        }
        catch (Exception ex)
        {
            OnHandlerError?.Invoke(ex);
        }
    }
}
