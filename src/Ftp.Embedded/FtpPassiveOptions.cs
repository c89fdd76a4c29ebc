using System.Net;

namespace Ftp.Embedded;

/// <summary>Passive-mode (PASV/EPSV) settings.</summary>
public sealed class FtpPassiveOptions
{
    /// <summary>
    /// The ports passive listeners use, inclusive, or <see langword="null"/> (the default) for ports the operating system
    /// picks. Open this range in the firewall. In code <c>o.Passive.PortRange = (50000, 50100);</c> or
    /// <c>FtpPortRange.Parse("50000-50100")</c>; configuration form <c>"PortRange": "50000-50100"</c>. A port that another
    /// process listens on is skipped, never shared.
    /// </summary>
    public FtpPortRange? PortRange { get; set; }

    /// <summary>
    /// The IPv4 address PASV advertises, for a server behind NAT. <see langword="null"/> (the default): the address
    /// the client connected to.
    /// </summary>
    public IPAddress? PublicAddress { get; set; }
}

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

/// <summary>Upload settings.</summary>
public sealed class FtpUploadOptions
{
    /// <summary>
    /// Whether STOR without REST writes to a temporary file in the same directory and renames it over the target only
    /// after the data connection closed cleanly, so that a failed upload leaves the previous file untouched.
    /// Default <see langword="true"/>. APPE and REST+STOR always write in place, as resuming requires.
    /// </summary>
    public bool Atomic { get; set; } = true;
}
