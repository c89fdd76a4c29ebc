using System.Net;
using Ftp.Embedded.Internal.Net;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded;

/// <summary>
/// The default data-channel policy: PASV advertises <see cref="FtpPassiveOptions.PublicAddress"/> or the control
/// connection's local address; active connections go only to the control client's IP and ports 1024 and above
/// (RFC 2577); passive connections are accepted only from the control client's IP. A custom policy can wrap it and
/// add its own rules (for example, active mode for some users only).
/// </summary>
public sealed class DefaultDataChannelPolicy : IFtpDataChannelPolicy
{
    private static readonly FtpDataChannelDecision ActiveRefused
        = FtpDataChannelDecision.Refuse("Active connections go only to your own address and ports 1024 and above.");

    private static readonly FtpDataChannelDecision PassiveRefused
        = FtpDataChannelDecision.Refuse("Passive connections are accepted only from the control connection's address.");

    private readonly FtpServerOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">The server options (passive address, third-party targets).</param>
    public DefaultDataChannelPolicy(IOptions<FtpServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    internal DefaultDataChannelPolicy(FtpServerOptions options) => _options = options;

    /// <inheritdoc/>
    public ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ValueTask.FromResult(_options.Passive.PublicAddress ?? session.LocalEndPoint.Address);
    }

    /// <inheritdoc/>
    public FtpDataChannelDecision AllowActive(FtpSessionInfo session, IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(target);
        return _options.Active.AllowThirdPartyTargets
               || (target.Port >= 1024 && SameAddress(target.Address, session.RemoteEndPoint.Address))
            ? FtpDataChannelDecision.Allow
            : ActiveRefused;
    }

    /// <inheritdoc/>
    public FtpDataChannelDecision AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(peer);
        return _options.Active.AllowThirdPartyTargets || SameAddress(peer.Address, session.RemoteEndPoint.Address)
            ? FtpDataChannelDecision.Allow
            : PassiveRefused;
    }

    internal static bool SameAddress(IPAddress a, IPAddress b) => AddressNormalizer.Normalize(a).Equals(AddressNormalizer.Normalize(b));
}
