namespace Ftp.Embedded;

/// <summary>What an application's SITE command (added with <c>AddSiteCommand</c>) is told about the request.</summary>
public sealed class FtpSiteCommandContext
{
    internal FtpSiteCommandContext(string name, string argument, FtpUser user, FtpSessionInfo session, string currentDirectory)
    {
        Name = name;
        Argument = argument;
        User = user;
        Session = session;
        CurrentDirectory = currentDirectory;
    }

    /// <summary>The SITE command's name, upper case as it was registered (<c>SITE REINDEX</c> → <c>REINDEX</c>).</summary>
    public string Name { get; }

    /// <summary>What the client sent after the name, without the separating space (may be empty). Client text: validate it.</summary>
    public string Argument { get; }

    /// <summary>The logged-in user (SITE commands run only after login).</summary>
    public FtpUser User { get; }

    /// <summary>The logged-in user's name.</summary>
    public string UserName => User.Name;

    /// <summary>The session that sent the command.</summary>
    public FtpSessionInfo Session { get; }

    /// <summary>The session's current directory, a normalised virtual path (<c>/</c>, <c>/a/b</c>).</summary>
    public string CurrentDirectory { get; }
}
