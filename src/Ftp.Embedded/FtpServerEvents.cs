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

/// <summary>A session that started or ended.</summary>
public sealed class FtpSessionEventArgs : EventArgs
{
    internal FtpSessionEventArgs(FtpSessionInfo session) => Session = session;

    /// <summary>The session.</summary>
    public FtpSessionInfo Session { get; }
}

/// <summary>A login attempt.</summary>
public sealed class FtpLoginEventArgs : EventArgs
{
    internal FtpLoginEventArgs(FtpSessionInfo session, string userName)
    {
        Session = session;
        UserName = userName;
    }

    /// <summary>The session.</summary>
    public FtpSessionInfo Session { get; }

    /// <summary>The name given with USER.</summary>
    public string UserName { get; }
}

/// <summary>An address that was banned.</summary>
public sealed class FtpAddressBannedEventArgs : EventArgs
{
    internal FtpAddressBannedEventArgs(System.Net.IPAddress address, int failures, DateTimeOffset until)
    {
        Address = address;
        Failures = failures;
        Until = until;
    }

    /// <summary>The client address.</summary>
    public System.Net.IPAddress Address { get; }

    /// <summary>The failed logins within the window that led to the ban.</summary>
    public int Failures { get; }

    /// <summary>When the ban ends (UTC).</summary>
    public DateTimeOffset Until { get; }
}

/// <summary>The direction of a transfer.</summary>
public enum FtpTransferDirection
{
    /// <summary>From the client to the server (STOR, STOU, APPE).</summary>
    Upload,
    /// <summary>From the server to the client (RETR).</summary>
    Download,
}

/// <summary>A transfer that ended.</summary>
public sealed class FtpTransferEventArgs : EventArgs
{
    internal FtpTransferEventArgs(FtpSessionInfo session, FtpUser user, string path, FtpTransferDirection direction, long bytes, TimeSpan duration, bool completed)
    {
        Session = session;
        User = user;
        Path = path;
        Direction = direction;
        Bytes = bytes;
        Duration = duration;
        Completed = completed;
    }

    /// <summary>The session.</summary>
    public FtpSessionInfo Session { get; }

    /// <summary>The user.</summary>
    public FtpUser User { get; }

    /// <summary>The file's virtual path within the user's root.</summary>
    public string Path { get; }

    /// <summary>Upload or download.</summary>
    public FtpTransferDirection Direction { get; }

    /// <summary>The bytes that crossed the data connection.</summary>
    public long Bytes { get; }

    /// <summary>How long the transfer took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// <see langword="true"/> when the transfer completed (226); <see langword="false"/> when it was aborted or failed.
    /// An aborted upload may have left a partial file (APPE, REST) or none (atomic STOR).
    /// </summary>
    public bool Completed { get; }
}
