namespace Ftp.Embedded;

/// <summary>Defences against password guessing beyond the per-session limits of <see cref="FtpServerLimits"/>.</summary>
public sealed class FtpSecurityOptions
{
    /// <summary>Temporary bans of addresses that fail to log in too often. Off by default.</summary>
    public FtpBanOptions Ban { get; } = new();
}
