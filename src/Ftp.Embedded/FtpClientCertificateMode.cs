namespace Ftp.Embedded;

/// <summary>Whether TLS clients are asked for a certificate (<see cref="FtpTlsOptions.ClientCertificates"/>).</summary>
public enum FtpClientCertificateMode
{
    /// <summary>No client certificate is asked for (the default).</summary>
    None,

    /// <summary>
    /// A certificate is asked for; a client may go without one, but a certificate it presents must be valid, or the
    /// handshake fails.
    /// </summary>
    Optional,

    /// <summary>
    /// Every TLS handshake on the control connection must present a valid certificate, and no login succeeds without
    /// one, so a clear-text session cannot log in either.
    /// </summary>
    Required,
}
