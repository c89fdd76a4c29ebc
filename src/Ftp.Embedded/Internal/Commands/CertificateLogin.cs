using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>
/// What TLS client certificates add to USER and PASS: with <see cref="FtpClientCertificateMode.Required"/> no login
/// without a certificate; with a <see cref="FtpTlsOptions.ClientCertificateMapper"/> a login only as the user the
/// certificate maps to; with <see cref="FtpTlsOptions.AllowCertificateOnlyLogin"/> USER alone logs that user in (232).
/// </summary>
internal static class CertificateLogin
{
    /// <summary>What <see cref="CheckAsync"/> found.</summary>
    internal enum Outcome
    {
        /// <summary>The certificate (or its absence) allows this user.</summary>
        Permitted,

        /// <summary>The login must fail: no certificate where one is required, or one that maps to someone else.</summary>
        Refused,

        /// <summary>The mapper failed; 421 has been sent and the session ends.</summary>
        Answered,
    }

    /// <summary>
    /// USER: 530 when a certificate is required and the session has none; 232 when the certificate logs the user in.
    /// Returns whether USER has been answered; otherwise the usual 331 follows.
    /// </summary>
    public static async ValueTask<bool> UserAsync(ICommandContext ctx, string userName)
    {
        var tls = ctx.Context.Options.Tls;
        if (tls.ClientCertificates == FtpClientCertificateMode.Required && ctx.Info.ClientCertificate is null)
        {
            FtpLog.ClientCertificateMissing(ctx.Context.Logger, ctx.Info.Id, userName);
            await ctx.ReplyAsync(FtpReplyCode.NotLoggedIn, "A client certificate is required: connect with TLS and present your certificate.");
            return true;
        }

        if (!tls.AllowCertificateOnlyLogin || ctx.Info.ClientCertificate is not { } certificate)
        {
            return false;
        }

        var (outcome, _) = await MapAsync(ctx, userName, "USER", log: false);
        if (outcome != Outcome.Permitted)
        {
            // Answered (421), or a certificate for someone else: 331 as for anyone; PASS then refuses the login.
            return outcome == Outcome.Answered;
        }

        var login = new FtpLoginContext(userName, string.Empty, ctx.Info) { AuthenticatedByCertificate = true };
        var (answered, user, fileSystem, userSession) = await LoginCommands.CheckCredentialsAsync(ctx, login);
        if (answered)
        {
            return true;
        }

        if (user is null || fileSystem is null || !string.Equals(user.Name, userName, StringComparison.Ordinal))
        {
            // No authenticator accepts certificate-only logins for this user (or the user's networks refuse it): the
            // password is asked for, and PASS decides as for anyone.
            userSession?.Dispose();
            return false;
        }

        FtpLog.CertificateLogin(ctx.Context.Logger, ctx.Info.Id, user.Name, certificate.Subject);
        await LoginCommands.LoginSucceededAsync(ctx, user, fileSystem, userSession, userName, FtpReplyCode.LoggedInBySecurityData);
        return true;
    }

    /// <summary>PASS, after the password was accepted for <paramref name="userName"/>: whether the certificate allows that user.</summary>
    public static async ValueTask<Outcome> CheckAsync(ICommandContext ctx, string userName)
    {
        if (ctx.Info.ClientCertificate is null)
        {
            if (ctx.Context.Options.Tls.ClientCertificates != FtpClientCertificateMode.Required)
            {
                return Outcome.Permitted;
            }

            FtpLog.ClientCertificateMissing(ctx.Context.Logger, ctx.Info.Id, userName);
            return Outcome.Refused;
        }

        return (await MapAsync(ctx, userName, "PASS", log: true)).Outcome;
    }

    /// <summary>Asks the mapper; no mapper permits every user. A mapper failure is answered with 421 and ends the session.</summary>
    private static async ValueTask<(Outcome Outcome, string? Mapped)> MapAsync(ICommandContext ctx, string userName, string verb, bool log)
    {
        if (ctx.Context.Options.Tls.ClientCertificateMapper is not { } mapper || ctx.Info.ClientCertificate is not { } certificate)
        {
            return (Outcome.Permitted, null);
        }

        string? mapped;
        try
        {
            mapped = await mapper.MapAsync(certificate, ctx.Info, ctx.Aborted);
        }
        catch (Exception ex) when (!ctx.Aborted.IsCancellationRequested)
        {
            FtpLog.ProviderFailed(ctx.Context.Logger, ctx.Info.Id, verb, ex);
            ctx.CancelLogin();
            ctx.EndSession();
            await ctx.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Login service not available, try again later; closing control connection.");
            return (Outcome.Answered, null);
        }

        if (string.Equals(mapped, userName, StringComparison.Ordinal))
        {
            return (Outcome.Permitted, mapped);
        }

        if (log)
        {
            FtpLog.ClientCertificateMismatch(ctx.Context.Logger, ctx.Info.Id, certificate.Subject, mapped, userName);
        }

        return (Outcome.Refused, mapped);
    }
}
