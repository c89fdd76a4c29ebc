using System.Net;

namespace Ftp.Embedded;

/// <summary>Decides how data connections may be made.</summary>
/// <remarks>
/// The default policy advertises <see cref="FtpPassiveOptions.PublicAddress"/> (or the control connection's local address),
/// allows active connections only to the control client's own IP on ports 1024 and above, and accepts passive
/// connections only from the control client's IP.
/// </remarks>
public interface IFtpDataChannelPolicy
{
    /// <summary>Returns the address that PASV advertises to the client (for example a public address behind NAT).</summary>
    /// <param name="session">The session asking.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken);

    /// <summary>Whether PORT/EPRT may connect to <paramref name="target"/>; a refusal's reason is the text of the 504 reply.</summary>
    /// <param name="session">The session asking.</param>
    /// <param name="target">The address and port the client named.</param>
    /// <returns><see cref="FtpDataChannelDecision.Allow"/>, or <see cref="FtpDataChannelDecision.Refuse"/> with the reason.</returns>
    FtpDataChannelDecision AllowActive(FtpSessionInfo session, IPEndPoint target);

    /// <summary>Whether a connection to a passive listener from <paramref name="peer"/> is accepted.</summary>
    /// <param name="session">The session that opened the listener.</param>
    /// <param name="peer">The address and port that connected.</param>
    /// <returns>
    /// <see cref="FtpDataChannelDecision.Allow"/>, or a refusal: the stranger's connection is closed, the refusal logged
    /// with its reason, and the listener keeps waiting for the client until the data-connect timeout.
    /// </returns>
    FtpDataChannelDecision AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer);
}
