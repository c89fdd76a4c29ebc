namespace Ftp.Embedded;

/// <summary>
/// What an <see cref="IFtpDataChannelPolicy"/> decides about a data connection: allowed, or refused with a reason that the
/// client is told (for PORT and EPRT) and that is logged (for a passive peer).
/// </summary>
public readonly record struct FtpDataChannelDecision
{
    private FtpDataChannelDecision(bool isAllowed, string? reason)
    {
        IsAllowed = isAllowed;
        Reason = reason;
    }

    /// <summary>The connection is allowed.</summary>
    public static FtpDataChannelDecision Allow { get; } = new(true, null);

    /// <summary>Whether the connection is allowed.</summary>
    public bool IsAllowed { get; }

    /// <summary>Why the connection is refused (one line, no CR or LF), or <see langword="null"/> when it is allowed.</summary>
    public string? Reason { get; }

    /// <summary>Refuses the connection.</summary>
    /// <param name="reason">Why, in one line: the text of the 504 reply to PORT or EPRT, and of the log entry.</param>
    /// <returns>The refusal.</returns>
    public static FtpDataChannelDecision Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("The reason must be one line, without CR or LF.", nameof(reason));
        }

        return new FtpDataChannelDecision(false, reason);
    }
}
