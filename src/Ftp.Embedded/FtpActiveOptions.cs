namespace Ftp.Embedded;

/// <summary>Active-mode (PORT/EPRT) settings.</summary>
public sealed class FtpActiveOptions
{
    /// <summary>Whether PORT and EPRT are accepted. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether PORT/EPRT may name an address other than the client's own, or a port below 1024 (server-to-server
    /// "FXP" transfers). Default <see langword="false"/>: such targets are refused, which prevents FTP bounce attacks (RFC 2577).
    /// </summary>
    public bool AllowThirdPartyTargets { get; set; }

    /// <summary>Whether active connections are made from port 20 (needs privileges). Default <see langword="false"/>: an ephemeral port.</summary>
    public bool UsePort20 { get; set; }
}
