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
            await session.ReplyAsync(FtpReplyCode.NotImplemented, "TLS is not configured on this server.");
            return;
        }

        if (mechanism is not ("TLS" or "TLS-C" or "SSL" or "TLS-P"))
        {
            await session.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "AUTH takes TLS (or SSL).");
            return;
        }

        if (session.IsSecure)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "The control connection is already protected.");
            return;
        }

        if (session.Phase == SessionPhase.LoggedIn)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "AUTH must come before login.");
            return;
        }

        await session.ReplyAsync(FtpReplyCode.AuthOkay, $"AUTH {mechanism} successful; start the TLS handshake.");
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
            await session.ReplyAsync(FtpReplyCode.BadSequence, "PBSZ needs a protected control connection (AUTH TLS) first.");
            return;
        }

        if (!long.TryParse(request.Argument.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            await session.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "PBSZ takes a number (0 for TLS).");
            return;
        }

        session.ProtectionBufferSizeSet = true;
        await session.ReplyAsync(FtpReplyCode.Okay, "PBSZ=0");
    }

    public static async ValueTask Prot(FtpSession session, FtpRequest request, Pending pending)
    {
        if (!session.IsSecure || !session.ProtectionBufferSizeSet)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "PROT needs AUTH TLS and PBSZ first.");
            return;
        }

        switch (request.Argument.Trim().ToUpperInvariant())
        {
            case "P":
                session.DataProtected = true;
                await session.ReplyAsync(FtpReplyCode.Okay, "Protection level set to Private.");
                break;
            case "C" when session.User is not null && TlsRequirements.RequiresTls(session, forData: true):
                await session.ReplyAsync(FtpReplyCode.DeniedForPolicyReasons, "Data connections must be protected here: use PROT P.");
                break;
            case "C":
                session.DataProtected = false;
                await session.ReplyAsync(FtpReplyCode.Okay, "Protection level set to Clear.");
                break;
            case "S" or "E":
                await session.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Only PROT C and PROT P are supported.");
                break;
            default:
                await session.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "PROT takes C or P.");
                break;
        }
    }

    public static ValueTask Ccc(FtpSession session, FtpRequest request, Pending pending)
        => session.ReplyAsync(FtpReplyCode.CommandProtectionDenied, "CCC is not allowed: the control connection stays protected.");
}
