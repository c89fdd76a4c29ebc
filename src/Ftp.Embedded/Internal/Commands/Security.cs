using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>Forwards to <see cref="TlsRequirements"/> for callers not yet moved to it.</summary>
internal static class Security
{
    public static bool RequiresTls(FtpSession session, bool forData, bool? anonymous = null) => TlsRequirements.RequiresTls(session, forData, anonymous);
}
