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
