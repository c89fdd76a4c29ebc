using System.Net;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// The default policy: PASV advertises the configured public address or the control connection's local address;
/// active connections only to the control client's IP and ports 1024 and above (RFC 2577); passive connections only
/// from the control client's IP.
/// </summary>
internal sealed class DefaultDataChannelPolicy(IOptions<FtpServerOptions> options) : IFtpDataChannelPolicy
{
    private readonly FtpServerOptions _options = options.Value;

    public DefaultDataChannelPolicy(FtpServerOptions options) : this(Options.Create(options)) { }

    public ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken)
        => ValueTask.FromResult(_options.Passive.PublicAddress ?? session.LocalEndPoint.Address);

    public bool AllowActive(FtpSessionInfo session, IPEndPoint target)
        => _options.Active.AllowThirdPartyTargets
           || (target.Port >= 1024 && SameAddress(target.Address, session.RemoteEndPoint.Address));

    public bool AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer)
        => _options.Active.AllowThirdPartyTargets || SameAddress(peer.Address, session.RemoteEndPoint.Address);

    internal static bool SameAddress(IPAddress a, IPAddress b)
    {
        if (a.IsIPv4MappedToIPv6)
        {
            a = a.MapToIPv4();
        }

        if (b.IsIPv4MappedToIPv6)
        {
            b = b.MapToIPv4();
        }

        return a.Equals(b);
    }
}
