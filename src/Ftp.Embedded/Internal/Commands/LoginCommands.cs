using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>USER, PASS, ACCT, REIN, QUIT, HOST (RFC 959 section 4.1.1, RFC 7151).</summary>
internal static partial class LoginCommands
{
    public static async ValueTask User(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (!request.HasArgument)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "USER needs a user name.");
            return;
        }

        if (ctx.Login.Phase == SessionPhase.LoggedIn)
        {
            // RFC 959 lets USER change users; start over as if REIN had been sent.
            ctx.Logout();
        }

        if (!ctx.Tls.Secure && TlsRequirements.RequiresTls(ctx, forData: false, anonymous: IsAnonymousName(ctx, request.Argument)))
        {
            await ctx.ReplyAsync(FtpReplyCode.NotLoggedIn, "TLS is required: send AUTH TLS before logging in.");
            return;
        }

        if (await CertificateLogin.UserAsync(ctx, request.Argument))
        {
            return;
        }

        ctx.ExpectPassword(request.Argument);
        // 331 for every name: the reply does not tell which accounts exist.
        await ctx.ReplyAsync(FtpReplyCode.NeedPassword, IsAnonymousName(ctx, request.Argument)
            ? "Anonymous login okay, send your email address as password."
            : "User name okay, need password.");
    }

    public static async ValueTask Pass(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.Login.Phase == SessionPhase.LoggedIn)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "Already logged in.");
            return;
        }

        if (ctx.Login.Phase != SessionPhase.AwaitingPassword || ctx.Login.PendingUserName is not { } userName)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "Login with USER first.");
            return;
        }

        var (answered, user, fileSystem, userSession) = await CheckCredentialsAsync(ctx, new FtpLoginContext(userName, request.Argument, ctx.Info));
        if (answered)
        {
            return;
        }

        if (user is not null)
        {
            // TLS client certificates: none where one is required, or one that maps to another user, fail the login.
            var certificate = await CertificateLogin.CheckAsync(ctx, user.Name);
            if (certificate == CertificateLogin.Outcome.Answered)
            {
                userSession?.Dispose();
                await SessionCloser.DisposeFileSystemAsync(fileSystem);
                return;
            }

            user = certificate == CertificateLogin.Outcome.Permitted ? user : null;
        }

        if (user is not null && !ctx.Tls.Secure && TlsRequirements.RequiresTls(ctx, forData: false, anonymous: user.IsAnonymous))
        {
            // Defence in depth: USER let a name through that the authenticator does not treat as anonymous.
            user = null;
        }

        if (user is null || fileSystem is null)
        {
            // A filesystem opened for a login that a later check refused is released now, not left to the collector.
            userSession?.Dispose();
            await SessionCloser.DisposeFileSystemAsync(fileSystem);
            await LoginFailedAsync(ctx, userName);
            return;
        }

        await LoginSucceededAsync(ctx, user, fileSystem, userSession, userName);
    }

    /// <summary>
    /// Asks the authenticators, checks the user's own limits (<see cref="Admit"/>), then asks the filesystem provider for
    /// the user's filesystem. A refusal (530) or a failure of either seam (421) is answered here, and the result says so;
    /// a login from outside the user's networks comes back without a user, as a failed login.
    /// </summary>
    internal static async ValueTask<(bool Answered, FtpUser? User, IFtpFileSystem? FileSystem, IDisposable? UserSession)> CheckCredentialsAsync(ICommandContext ctx, FtpLoginContext login)
    {
        var context = ctx.Context;
        var userName = login.UserName;
        FtpUser? user;
        IFtpFileSystem? fileSystem = null;
        IDisposable? userSession = null;
        string? limitRefusal = null;
        try
        {
            user = await AuthenticateAsync(context.Authenticators, login, ctx.Aborted);
            if (user is not null && Admit(ctx, user, out userSession, out limitRefusal))
            {
                fileSystem = await context.FileSystemProvider.GetFileSystemAsync(user, ctx.Aborted)
                             ?? throw new InvalidOperationException($"{context.FileSystemProvider.GetType().Name}.GetFileSystemAsync returned null.");
            }
        }
        catch (Exception ex) when (!ctx.Aborted.IsCancellationRequested && RefusalOf(ex) is { } refusal)
        {
            // The provider refused this user (a missing home directory, its own FtpException): a 530 that says why,
            // not an outage. The password was right, so it is not a failed login either.
            userSession?.Dispose();
            FtpLog.LoginRefusedByFileSystem(context.Logger, ctx.Info.Id, userName, ex.Message);
            ctx.CancelLogin();
            await ctx.ReplyAsync(refusal.Code, refusal.Text);
            return (true, null, null, null);
        }
        catch (Exception ex) when (!ctx.Aborted.IsCancellationRequested)
        {
            // The application's authenticator or filesystem provider failed: not the client's fault, so not a failed
            // login either. RFC 959 allows 421 for PASS: the service is not available.
            userSession?.Dispose();
            FtpLog.ProviderFailed(context.Logger, ctx.Info.Id, "PASS", ex);
            ctx.CancelLogin();
            ctx.EndSession();
            await ctx.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Login service not available, try again later; closing control connection.");
            return (true, null, null, null);
        }
        catch
        {
            // The session was cut meanwhile: its place under the user's session limit goes back with it.
            userSession?.Dispose();
            throw;
        }

        if (limitRefusal is not null)
        {
            ctx.CancelLogin();
            await ctx.ReplyAsync(FtpReplyCode.NotLoggedIn, limitRefusal);
            return (true, null, null, null);
        }

        return (false, userSession is null ? null : user, fileSystem, userSession);
    }

    internal static async ValueTask LoginSucceededAsync(
        ICommandContext ctx, FtpUser user, IFtpFileSystem fileSystem, IDisposable? userSession, string userName, FtpReplyCode code = FtpReplyCode.LoggedIn)
    {
        var context = ctx.Context;
        ctx.LogIn(user, fileSystem, userSession);
        FtpLog.LoginSucceeded(context.Logger, ctx.Info.Id, user.Name);
        context.Events.RaiseLoginSucceeded(new FtpLoginEventArgs(ctx.Info, userName));
        await ctx.ReplyAsync(code, user.IsAnonymous ? "Anonymous access granted, restrictions apply."
            : code == FtpReplyCode.LoggedInBySecurityData ? "User logged in, authorized by security data exchange." : "User logged in, proceed.");
    }

    /// <summary>A rejected login: counted, logged, perhaps banned, delayed, then 530 (and 421 when it was one too many).</summary>
    private static async ValueTask LoginFailedAsync(ICommandContext ctx, string userName)
    {
        var context = ctx.Context;
        var failures = ctx.RecordFailedLogin();
        context.Metrics.LoginFailed();
        FtpLog.LoginFailed(context.Logger, ctx.Info.Id, userName, ctx.Info.RemoteEndPoint);
        context.Events.RaiseLoginFailed(new FtpLoginEventArgs(ctx.Info, userName));
        var bannedUntil = context.Bans.RecordFailure(ctx.Info.RemoteEndPoint.Address, out var recentFailures);
        if (bannedUntil is { } until)
        {
            FtpLog.AddressBanned(context.Logger, ctx.Info.RemoteEndPoint.Address, recentFailures, until);
            context.Events.RaiseAddressBanned(new FtpAddressBannedEventArgs(ctx.Info.RemoteEndPoint.Address, recentFailures, until));
        }

        var delay = FailedLoginDelay(context.Options.Limits.FailedLoginDelay, failures);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.TimeProvider, ctx.Aborted);
        }

        await ctx.ReplyAsync(FtpReplyCode.NotLoggedIn, "Login incorrect.");
        if (bannedUntil is not null)
        {
            await ctx.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Too many failed logins from your address; closing control connection.");
            ctx.EndSession();
        }
        else if (failures >= context.Options.Limits.MaxFailedLogins)
        {
            await ctx.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Too many failed logins; closing control connection.");
            ctx.EndSession();
        }
    }

    public static ValueTask Acct(ICommandContext ctx, FtpRequest request, Pending pending)
        => ctx.ReplyAsync(FtpReplyCode.Superfluous, "ACCT not needed here.");

    public static async ValueTask Rein(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        ctx.Reinitialize();
        await ctx.ReplyAsync(FtpReplyCode.ServiceReady, ctx.Context.Options.Greeting);
    }

    public static async ValueTask Quit(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.CurrentTransfer is { } transfer)
        {
            // Let the running transfer finish (or hit its stall timeout), then say goodbye.
            await transfer.Task;
        }

        await ctx.ReplyAsync(FtpReplyCode.ClosingControlConnection, "Goodbye.");
        ctx.EndSession();
    }

    public static async ValueTask Host(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.Login.Phase == SessionPhase.LoggedIn || ctx.Login.Phase == SessionPhase.AwaitingPassword)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "HOST must come before USER.");
            return;
        }

        if (!request.HasArgument)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "HOST needs a host name.");
            return;
        }

        var hosts = ctx.Context.Options.Hosts;
        var name = request.Argument.Trim();
        if (hosts.Count > 0 && !hosts.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Unknown host.");
            return;
        }

        ctx.SelectHost(name);
        await ctx.ReplyAsync(FtpReplyCode.ServiceReady, $"Host {name} accepted.");
    }

    internal static async ValueTask<FtpUser?> AuthenticateAsync(IReadOnlyList<IFtpAuthenticator> authenticators, FtpLoginContext login, CancellationToken cancellationToken)
    {
        foreach (var authenticator in authenticators)
        {
            var user = await authenticator.AuthenticateAsync(login, cancellationToken);
            if (user is not null || authenticator.IsKnownUser(login.UserName))
            {
                return user;
            }
        }

        return null;
    }

    /// <summary>How a provider's refusal of a user is answered: its <see cref="FtpException"/>, or 530 for a missing home.</summary>
    private static (FtpReplyCode Code, string Text)? RefusalOf(Exception exception) => exception switch
    {
        FtpException { ReplyCode: >= FtpReplyCode.ServiceNotAvailable and not FtpReplyCode.ServiceNotAvailable } ftp => (ftp.ReplyCode, ftp.Message),
        DirectoryNotFoundException => (FtpReplyCode.NotLoggedIn, "Login refused: your home directory does not exist on this server."),
        UnauthorizedAccessException => (FtpReplyCode.NotLoggedIn, "Login refused: your home directory cannot be used."),
        _ => null,
    };

    /// <summary>The delay before the 530 of the <paramref name="failures"/>-th failed login: doubling, at most 16 times the first.</summary>
    internal static TimeSpan FailedLoginDelay(TimeSpan first, int failures)
        => first * (1 << Math.Clamp(failures - 1, 0, 4));

    private static bool IsAnonymousName(ICommandContext ctx, string name)
        => name.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || name.Equals("ftp", StringComparison.OrdinalIgnoreCase);
}
