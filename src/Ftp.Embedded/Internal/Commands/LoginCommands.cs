using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>USER, PASS, ACCT, REIN, QUIT, HOST (RFC 959 section 4.1.1, RFC 7151).</summary>
internal static class LoginCommands
{
    public static async ValueTask User(FtpSession session, FtpRequest request, Pending pending)
    {
        if (!request.HasArgument)
        {
            await session.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "USER needs a user name.");
            return;
        }

        if (session.Phase == SessionPhase.LoggedIn)
        {
            // RFC 959 lets USER change users; start over as if REIN had been sent.
            Logout(session);
        }

        if (!session.IsSecure && TlsRequirements.RequiresTls(session, forData: false, anonymous: IsAnonymousName(session, request.Argument)))
        {
            await session.ReplyAsync(FtpReplyCode.NotLoggedIn, "TLS is required: send AUTH TLS before logging in.");
            return;
        }

        session.PendingUserName = request.Argument;
        session.Phase = SessionPhase.AwaitingPassword;
        // 331 for every name: the reply does not tell which accounts exist.
        await session.ReplyAsync(FtpReplyCode.NeedPassword, IsAnonymousName(session, request.Argument)
            ? "Anonymous login okay, send your email address as password."
            : "User name okay, need password.");
    }

    public static async ValueTask Pass(FtpSession session, FtpRequest request, Pending pending)
    {
        if (session.Phase == SessionPhase.LoggedIn)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "Already logged in.");
            return;
        }

        if (session.Phase != SessionPhase.AwaitingPassword || session.PendingUserName is not { } userName)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "Login with USER first.");
            return;
        }

        var context = session.Context;
        var login = new FtpLoginContext(userName, request.Argument, session.Info);
        FtpUser? user;
        IFtpFileSystem? fileSystem = null;
        try
        {
            user = await AuthenticateAsync(context.Authenticators, login, session.Aborted);
            if (user is not null)
            {
                fileSystem = await context.FileSystemProvider.GetFileSystemAsync(user, session.Aborted)
                             ?? throw new InvalidOperationException($"{context.FileSystemProvider.GetType().Name}.GetFileSystemAsync returned null.");
            }
        }
        catch (Exception ex) when (!session.Aborted.IsCancellationRequested && RefusalOf(ex) is { } refusal)
        {
            // The provider refused this user (a missing home directory, its own FtpException): a 530 that says why,
            // not an outage. The password was right, so it is not a failed login either.
            FtpLog.LoginRefusedByFileSystem(context.Logger, session.Info.Id, userName, ex.Message);
            session.PendingUserName = null;
            session.Phase = SessionPhase.AwaitingUser;
            await session.ReplyAsync(refusal.Code, refusal.Text);
            return;
        }
        catch (Exception ex) when (!session.Aborted.IsCancellationRequested)
        {
            // The application's authenticator or filesystem provider failed: not the client's fault, so not a failed
            // login either. RFC 959 allows 421 for PASS: the service is not available.
            FtpLog.ProviderFailed(context.Logger, session.Info.Id, "PASS", ex);
            session.PendingUserName = null;
            session.Phase = SessionPhase.Closing;
            await session.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Login service not available, try again later; closing control connection.");
            return;
        }

        if (user is not null && !session.IsSecure && TlsRequirements.RequiresTls(session, forData: false, anonymous: user.IsAnonymous))
        {
            // Defence in depth: USER let a name through that the authenticator does not treat as anonymous.
            user = null;
        }

        if (user is null || fileSystem is null)
        {
            await LoginFailedAsync(session, userName);
            return;
        }

        await LoginSucceededAsync(session, user, fileSystem, userName);
    }

    private static async ValueTask LoginSucceededAsync(FtpSession session, FtpUser user, IFtpFileSystem fileSystem, string userName)
    {
        var context = session.Context;
        session.PendingUserName = null;
        session.SetUser(user, fileSystem);
        session.Phase = SessionPhase.LoggedIn;
        FtpLog.LoginSucceeded(context.Logger, session.Info.Id, user.Name);
        context.Events.RaiseLoginSucceeded(new FtpLoginEventArgs(session.Info, userName));
        await session.ReplyAsync(FtpReplyCode.LoggedIn, user.IsAnonymous ? "Anonymous access granted, restrictions apply." : "User logged in, proceed.");
    }

    /// <summary>A rejected login: counted, logged, perhaps banned, delayed, then 530 (and 421 when it was one too many).</summary>
    private static async ValueTask LoginFailedAsync(FtpSession session, string userName)
    {
        var context = session.Context;
        session.PendingUserName = null;
        session.Phase = SessionPhase.AwaitingUser;
        session.FailedLogins++;
        context.Metrics.LoginFailed();
        FtpLog.LoginFailed(context.Logger, session.Info.Id, userName, session.Info.RemoteEndPoint);
        context.Events.RaiseLoginFailed(new FtpLoginEventArgs(session.Info, userName));
        var bannedUntil = context.Bans.RecordFailure(session.Info.RemoteEndPoint.Address, out var recentFailures);
        if (bannedUntil is { } until)
        {
            FtpLog.AddressBanned(context.Logger, session.Info.RemoteEndPoint.Address, recentFailures, until);
            context.Events.RaiseAddressBanned(new FtpAddressBannedEventArgs(session.Info.RemoteEndPoint.Address, recentFailures, until));
        }

        var delay = FailedLoginDelay(context.Options.Limits.FailedLoginDelay, session.FailedLogins);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.TimeProvider, session.Aborted);
        }

        await session.ReplyAsync(FtpReplyCode.NotLoggedIn, "Login incorrect.");
        if (bannedUntil is not null)
        {
            await session.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Too many failed logins from your address; closing control connection.");
            session.Phase = SessionPhase.Closing;
        }
        else if (session.FailedLogins >= context.Options.Limits.MaxFailedLogins)
        {
            await session.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Too many failed logins; closing control connection.");
            session.Phase = SessionPhase.Closing;
        }
    }

    public static ValueTask Acct(FtpSession session, FtpRequest request, Pending pending)
        => session.ReplyAsync(FtpReplyCode.Superfluous, "ACCT not needed here.");

    public static async ValueTask Rein(FtpSession session, FtpRequest request, Pending pending)
    {
        Logout(session);
        session.Info.Host = null;
        await session.ReplyAsync(FtpReplyCode.ServiceReady, session.Context.Options.Greeting);
    }

    public static async ValueTask Quit(FtpSession session, FtpRequest request, Pending pending)
    {
        if (session.CurrentTransfer is { } transfer)
        {
            // Let the running transfer finish (or hit its stall timeout), then say goodbye.
            await transfer.Task;
        }

        await session.ReplyAsync(FtpReplyCode.ClosingControlConnection, "Goodbye.");
        session.Phase = SessionPhase.Closing;
    }

    public static async ValueTask Host(FtpSession session, FtpRequest request, Pending pending)
    {
        if (session.Phase == SessionPhase.LoggedIn || session.Phase == SessionPhase.AwaitingPassword)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "HOST must come before USER.");
            return;
        }

        if (!request.HasArgument)
        {
            await session.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "HOST needs a host name.");
            return;
        }

        var hosts = session.Context.Options.Hosts;
        var name = request.Argument.Trim();
        if (hosts.Count > 0 && !hosts.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            await session.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Unknown host.");
            return;
        }

        session.Info.Host = name;
        await session.ReplyAsync(FtpReplyCode.ServiceReady, $"Host {name} accepted.");
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

    private static bool IsAnonymousName(FtpSession session, string name)
        => name.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || name.Equals("ftp", StringComparison.OrdinalIgnoreCase);

    private static void Logout(FtpSession session)
    {
        session.SetPreparedData(null);
        session.SetUser(null, null);
        session.PendingUserName = null;
        session.Phase = SessionPhase.AwaitingUser;
        session.Settings = TransferSettings.Default;
    }
}
