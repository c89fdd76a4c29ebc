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
