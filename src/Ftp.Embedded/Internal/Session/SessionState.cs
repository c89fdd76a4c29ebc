namespace Ftp.Embedded.Internal.Session;

/// <summary>Where a session is in its life.</summary>
internal enum SessionPhase
{
    AwaitingUser,
    AwaitingPassword,
    LoggedIn,
    Closing,
}

/// <summary>One-shot state that only the next command may consume (REST offset, RNFR path).</summary>
internal sealed record Pending(long RestartOffset, string? RenameFrom)
{
    public static Pending None { get; } = new(0, null);
}
