using System.Globalization;
using Ftp.Embedded.Internal.Net;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>The user's own limits at login: the networks they may log in from and how many sessions they may hold.</summary>
internal static partial class LoginCommands
{
    /// <summary>
    /// Whether <paramref name="user"/>, whose password was right, may log in here and now. When admitted,
    /// <paramref name="userSession"/> is the session's place under <see cref="FtpUser.MaxSessions"/>. When refused,
    /// <paramref name="refusal"/> is the 530 text of a session limit, or <see langword="null"/> for an address outside
    /// <see cref="FtpUser.AllowedNetworks"/>, which is answered as a failed login so the reply does not tell that the
    /// password was right.
    /// </summary>
    private static bool Admit(ICommandContext ctx, FtpUser user, out IDisposable? userSession, out string? refusal)
    {
        userSession = null;
        refusal = null;
        var address = AddressNormalizer.Normalize(ctx.Info.RemoteEndPoint.Address);
        if (!IsAllowedAddress(user, address))
        {
            FtpLog.LoginRefusedByNetwork(ctx.Context.Logger, ctx.Info.Id, user.Name, address);
            ctx.Context.Metrics.LoginRefused(LoginRefusalReason.Network);
            return false;
        }

        userSession = ctx.Context.UserSessions.TryAcquire(user.Name, user.MaxSessions);
        if (userSession is null)
        {
            FtpLog.LoginRefusedBySessionLimit(ctx.Context.Logger, ctx.Info.Id, user.Name, user.MaxSessions);
            ctx.Context.Metrics.LoginRefused(LoginRefusalReason.MaxSessionsPerUser);
            refusal = string.Create(CultureInfo.InvariantCulture,
                $"Too many sessions for this user (at most {user.MaxSessions} at a time): close one and try again.");
            return false;
        }

        return true;
    }

    internal static bool IsAllowedAddress(FtpUser user, System.Net.IPAddress address)
    {
        if (user.AllowedNetworks.Count == 0)
        {
            return true;
        }

        foreach (var network in user.AllowedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
