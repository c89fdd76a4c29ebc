namespace Ftp.Embedded;

/// <summary>A session that started or ended.</summary>
public sealed class FtpSessionEventArgs : EventArgs
{
    internal FtpSessionEventArgs(FtpSessionInfo session) => Session = session;

    /// <summary>The session.</summary>
    public FtpSessionInfo Session { get; }
}
