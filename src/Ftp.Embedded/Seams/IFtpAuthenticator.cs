using System.Net;

namespace Ftp.Embedded;

/// <summary>Decides who may log in. Anonymous access is an authenticator too.</summary>
/// <remarks>
/// Several authenticators can be registered; they are asked in registration order. The first one that
/// <see cref="IsKnownUser">knows</see> the name decides: its answer is final. Authenticators that know no names
/// in advance are asked in turn until one returns a user.
/// </remarks>
public interface IFtpAuthenticator
{
    /// <summary>Checks the credentials in <paramref name="login"/>.</summary>
    /// <param name="login">The user name, password and connection.</param>
    /// <param name="cancellationToken">Cancels the check (the session closes).</param>
    /// <returns>The user, or <see langword="null"/> when the login is rejected.</returns>
    ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this authenticator owns <paramref name="userName"/>, so that a rejection by it is final.
    /// The default, <see langword="false"/>, lets later authenticators try.
    /// </summary>
    /// <param name="userName">The name given with USER.</param>
    bool IsKnownUser(string userName) => false;
}

/// <summary>The credentials and connection of a login attempt.</summary>
public sealed class FtpLoginContext
{
    /// <summary>Creates a login context.</summary>
    /// <param name="userName">The name given with USER.</param>
    /// <param name="password">The password given with PASS (never logged by the engine).</param>
    /// <param name="session">The session that logs in.</param>
    public FtpLoginContext(string userName, string password, FtpSessionInfo session)
    {
        UserName = userName;
        Password = password;
        Session = session;
    }

    /// <summary>The name given with USER.</summary>
    public string UserName { get; }

    /// <summary>The password given with PASS.</summary>
    public string Password { get; }

    /// <summary>The session that logs in.</summary>
    public FtpSessionInfo Session { get; }
}

/// <summary>What the application may know of a session.</summary>
public sealed class FtpSessionInfo
{
    /// <summary>Creates a session description.</summary>
    /// <param name="id">A server-unique id.</param>
    /// <param name="remoteEndPoint">The client's end of the control connection.</param>
    /// <param name="localEndPoint">The server's end of the control connection.</param>
    public FtpSessionInfo(long id, IPEndPoint remoteEndPoint, IPEndPoint localEndPoint)
    {
        Id = id;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>A server-unique id of the session.</summary>
    public long Id { get; }

    /// <summary>The client's end of the control connection.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The server's end of the control connection.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The virtual host named with HOST (RFC 7151), if any.</summary>
    public string? Host { get; internal set; }

    /// <summary>The logged-in user, or <see langword="null"/> before login.</summary>
    public FtpUser? User { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"#{Id} {RemoteEndPoint}";
}
