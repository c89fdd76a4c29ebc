using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>Where a session is in its login.</summary>
internal enum SessionPhase
{
    AwaitingUser,
    AwaitingPassword,
    LoggedIn,
}

/// <summary>
/// The login: the name USER gave (awaiting PASS), the failed attempts so far, and the logged-in user. Immutable; the
/// session replaces it through its transitions, so the phase always matches what is known.
/// </summary>
internal sealed record LoginState(string? PendingUserName, int FailedLogins, LoggedInUser? LoggedIn)
{
    public static LoginState Initial { get; } = new(null, 0, null);

    public SessionPhase Phase => LoggedIn is not null ? SessionPhase.LoggedIn
        : PendingUserName is not null ? SessionPhase.AwaitingPassword
        : SessionPhase.AwaitingUser;

    /// <summary>USER: the name waits for PASS.</summary>
    public LoginState ExpectPassword(string userName) => new(userName, FailedLogins, null);

    /// <summary>PASS accepted: the user is logged in at the root of <paramref name="fileSystem"/>.</summary>
    public LoginState Succeeded(FtpUser user, IFtpFileSystem fileSystem) => new(null, FailedLogins, new LoggedInUser(user, fileSystem, VirtualPath.Root));

    /// <summary>PASS rejected: counted, and USER starts over.</summary>
    public LoginState Failed() => new(null, FailedLogins + 1, null);

    /// <summary>Back to USER: the pending name and the logged-in user are dropped; failed attempts keep counting.</summary>
    public LoginState Reset() => new(null, FailedLogins, null);
}

/// <summary>The logged-in user, the filesystem the provider gave for them, and their current directory.</summary>
internal sealed record LoggedInUser(FtpUser User, IFtpFileSystem FileSystem, string CurrentDirectory);

/// <summary>TLS on the control connection (AUTH TLS or implicit FTPS) and what PBSZ and PROT set (RFC 4217).</summary>
internal sealed record TlsState(bool Secure, bool ProtectionBufferSizeSet, bool DataProtected)
{
    public static TlsState Clear { get; } = new(false, false, false);

    /// <summary>Implicit FTPS: data connections protected unless PROT C.</summary>
    public static TlsState Implicit { get; } = new(true, true, true);
}

/// <summary>One-shot state that only the next command may consume (REST offset, RNFR path).</summary>
internal sealed record Pending(long RestartOffset, string? RenameFrom)
{
    public static Pending None { get; } = new(0, null);

    /// <summary>RANG: the first and last byte (inclusive) the next HASH covers.</summary>
    public (long Start, long End)? HashRange { get; init; }
}
