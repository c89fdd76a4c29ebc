using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>AUTH, PBSZ, PROT, CCC (RFC 2228, RFC 4217).</summary>
internal static class TlsCommands
{
    public static async ValueTask Auth(FtpSession session, FtpRequest request, Pending pending)
    {
        var mechanism = request.Argument.Trim().ToUpperInvariant();
        if (!session.Context.Tls.IsEnabled)
        {
            await session.ReplyAsync(502, "TLS is not configured on this server.");
            return;
        }

        if (mechanism is not ("TLS" or "TLS-C" or "SSL" or "TLS-P"))
        {
            await session.ReplyAsync(504, "AUTH takes TLS (or SSL).");
            return;
        }

        if (session.IsSecure)
        {
            await session.ReplyAsync(503, "The control connection is already protected.");
            return;
        }

        if (session.Phase == SessionPhase.LoggedIn)
        {
            await session.ReplyAsync(503, "AUTH must come before login.");
            return;
        }

        await session.ReplyAsync(234, $"AUTH {mechanism} successful; start the TLS handshake.");
        if (await session.UpgradeToTlsAsync())
        {
            // RFC 4217 section 4: a new security state starts a new login.
            session.Phase = SessionPhase.AwaitingUser;
            session.PendingUserName = null;
            session.ProtectionBufferSizeSet = false;
            // SSL and TLS-P (old drafts) imply protected data connections.
            session.DataProtected = mechanism is "SSL" or "TLS-P";
        }
    }

    public static async ValueTask Pbsz(FtpSession session, FtpRequest request, Pending pending)
    {
        if (!session.IsSecure)
        {
            await session.ReplyAsync(503, "PBSZ needs a protected control connection (AUTH TLS) first.");
            return;
        }

        if (!long.TryParse(request.Argument.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            await session.ReplyAsync(501, "PBSZ takes a number (0 for TLS).");
            return;
        }

        session.ProtectionBufferSizeSet = true;
        await session.ReplyAsync(200, "PBSZ=0");
    }

    public static async ValueTask Prot(FtpSession session, FtpRequest request, Pending pending)
    {
        if (!session.IsSecure || !session.ProtectionBufferSizeSet)
        {
            await session.ReplyAsync(503, "PROT needs AUTH TLS and PBSZ first.");
            return;
        }

        switch (request.Argument.Trim().ToUpperInvariant())
        {
            case "P":
                session.DataProtected = true;
                await session.ReplyAsync(200, "Protection level set to Private.");
                break;
            case "C" when session.User is not null && TlsRequirements.RequiresTls(session, forData: true):
                await session.ReplyAsync(534, "Data connections must be protected here: use PROT P.");
                break;
            case "C":
                session.DataProtected = false;
                await session.ReplyAsync(200, "Protection level set to Clear.");
                break;
            case "S" or "E":
                await session.ReplyAsync(504, "Only PROT C and PROT P are supported.");
                break;
            default:
                await session.ReplyAsync(501, "PROT takes C or P.");
                break;
        }
    }

    public static ValueTask Ccc(FtpSession session, FtpRequest request, Pending pending)
        => session.ReplyAsync(533, "CCC is not allowed: the control connection stays protected.");
}
