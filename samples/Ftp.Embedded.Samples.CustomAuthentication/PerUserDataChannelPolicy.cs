using System.Net;

namespace Ftp.Embedded.Samples.CustomAuthentication;

/// <summary>
/// The built-in rules (no FTP bounce, no connection stealing), plus one of the application's: only accounts with
/// <see cref="AppAccount.MayUseActiveMode"/> may use PORT/EPRT; everyone else is passive-only.
/// </summary>
public sealed class PerUserDataChannelPolicy(DefaultDataChannelPolicy defaults) : IFtpDataChannelPolicy
{
    public ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken)
        => defaults.GetPassiveAddressAsync(session, cancellationToken);

    private static readonly FtpDataChannelDecision PassiveOnly
        = FtpDataChannelDecision.Refuse("your account may use passive mode only; use PASV or EPSV.");

    public FtpDataChannelDecision AllowActive(FtpSessionInfo session, IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.User?.Tag is AppAccount { MayUseActiveMode: true } ? defaults.AllowActive(session, target) : PassiveOnly;
    }

    public FtpDataChannelDecision AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer) => defaults.AllowPassivePeer(session, peer);
}
