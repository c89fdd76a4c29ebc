namespace Ftp.Embedded;

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
