using System.Security.Cryptography.X509Certificates;

namespace Ftp.Embedded;

/// <summary>
/// Maps a validated TLS client certificate to the name of the user it stands for (set it as
/// <see cref="FtpTlsOptions.ClientCertificateMapper"/>). When one is set and the session has a client certificate, a
/// login succeeds only for the user the certificate maps to; with <see cref="FtpTlsOptions.AllowCertificateOnlyLogin"/>
/// that user logs in without a password (232).
/// </summary>
public interface IFtpClientCertificateMapper
{
    /// <summary>The user name <paramref name="certificate"/> stands for.</summary>
    /// <param name="certificate">
    /// The client's certificate, already validated against <see cref="FtpTlsOptions.ClientCertificateAuthorityPath"/>
    /// (chain, validity period, client-authentication usage).
    /// </param>
    /// <param name="session">The session that logs in.</param>
    /// <param name="cancellationToken">Cancels the mapping (the session closes).</param>
    /// <returns>The user name (compared exactly with the login name), or <see langword="null"/> when the certificate stands for nobody.</returns>
    ValueTask<string?> MapAsync(X509Certificate2 certificate, FtpSessionInfo session, CancellationToken cancellationToken);
}
