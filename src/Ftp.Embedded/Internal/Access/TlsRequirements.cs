using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Access;

/// <summary>The TLS requirements of the policy: whether a login or a data connection must be protected.</summary>
internal static class TlsRequirements
{
    /// <summary>Whether the policy wants TLS for this session's login or data, and the session lacks it.</summary>
    public static bool RequiresTls(ICommandContext ctx, bool forData, bool? anonymous = null)
    {
        var tls = ctx.Context.Options.Tls;
        if (!tls.IsEnabled || !(forData ? tls.RequireForData : tls.RequireForLogin))
        {
            return false;
        }

        return tls.RequireForAnonymous || !(anonymous ?? ctx.Login.LoggedIn?.User.IsAnonymous ?? false);
    }
}
