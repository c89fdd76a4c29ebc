using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>AUTH, PBSZ, PROT, CCC (RFC 2228, RFC 4217).</summary>
internal static class TlsCommands
{
    public static async ValueTask Auth(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var mechanism = request.Argument.Trim().ToUpperInvariant();
        if (!ctx.Context.Tls.IsEnabled)
        {
            await ctx.ReplyAsync(FtpReplyCode.NotImplemented, "TLS is not configured on this server.");
            return;
        }

        if (mechanism is not ("TLS" or "TLS-C" or "SSL" or "TLS-P"))
        {
            await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "AUTH takes TLS (or SSL).");
            return;
        }

        if (ctx.Tls.Secure)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "The control connection is already protected.");
            return;
        }

        if (ctx.Login.Phase == SessionPhase.LoggedIn)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "AUTH must come before login.");
            return;
        }

        await ctx.ReplyAsync(FtpReplyCode.AuthOkay, $"AUTH {mechanism} successful; start the TLS handshake.");
        // RFC 4217 section 4: a new security state starts a new login. SSL and TLS-P (old drafts) imply protected data connections.
        await ctx.StartTlsAsync(protectData: mechanism is "SSL" or "TLS-P");
    }

    public static async ValueTask Pbsz(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (!ctx.Tls.Secure)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "PBSZ needs a protected control connection (AUTH TLS) first.");
            return;
        }

        if (!long.TryParse(request.Argument.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "PBSZ takes a number (0 for TLS).");
            return;
        }

        ctx.SetProtectionBufferSize();
        await ctx.ReplyAsync(FtpReplyCode.Okay, "PBSZ=0");
    }

    public static async ValueTask Prot(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (!ctx.Tls.Secure || !ctx.Tls.ProtectionBufferSizeSet)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "PROT needs AUTH TLS and PBSZ first.");
            return;
        }

        switch (request.Argument.Trim().ToUpperInvariant())
        {
            case "P":
                ctx.ProtectData(true);
                await ctx.ReplyAsync(FtpReplyCode.Okay, "Protection level set to Private.");
                break;
            case "C" when ctx.Login.LoggedIn is not null && TlsRequirements.RequiresTls(ctx, forData: true):
                await ctx.ReplyAsync(FtpReplyCode.DeniedForPolicyReasons, "Data connections must be protected here: use PROT P.");
                break;
            case "C":
                ctx.ProtectData(false);
                await ctx.ReplyAsync(FtpReplyCode.Okay, "Protection level set to Clear.");
                break;
            case "S" or "E":
                await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Only PROT C and PROT P are supported.");
                break;
            default:
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "PROT takes C or P.");
                break;
        }
    }

    public static ValueTask Ccc(ICommandContext ctx, FtpRequest request, Pending pending)
        => ctx.ReplyAsync(FtpReplyCode.CommandProtectionDenied, "CCC is not allowed: the control connection stays protected.");
}
