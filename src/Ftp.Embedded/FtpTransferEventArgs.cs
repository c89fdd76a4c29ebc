namespace Ftp.Embedded;

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
