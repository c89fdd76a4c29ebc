namespace Ftp.Embedded;

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

    /// <summary>The session's validated TLS client certificate, or <see langword="null"/> when it has none.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate => Session.ClientCertificate;

    /// <summary>
    /// Whether the user gave no password because the session's client certificate maps to <see cref="UserName"/>
    /// (<see cref="FtpTlsOptions.AllowCertificateOnlyLogin"/>): <see cref="Password"/> is empty, and an authenticator
    /// that accepts such logins returns the user without checking a password.
    /// </summary>
    public bool AuthenticatedByCertificate { get; init; }
}
