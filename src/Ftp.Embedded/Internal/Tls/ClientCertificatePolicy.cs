using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>
/// What a TLS handshake accepts as the client's certificate. Control connections: a valid certificate, or none unless
/// <see cref="FtpClientCertificateMode.Required"/>. Data connections (as vsftpd does, they must belong to the control
/// connection's client): no certificate, or exactly the control connection's one; any other is refused.
/// </summary>
internal sealed class ClientCertificatePolicy(FtpClientCertificateMode mode, ClientCertificateValidator validator, ILogger logger)
{
    public bool AcceptControl(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            if (mode == FtpClientCertificateMode.Required)
            {
                FtpLog.ClientCertificateRefused(logger, "(none)", "a client certificate is required");
                return false;
            }

            return true;
        }

        using var copy = Copy(certificate);
        if (validator.Problem(copy) is { } problem)
        {
            FtpLog.ClientCertificateRefused(logger, copy.Subject, problem);
            return false;
        }

        return true;
    }

    public bool AcceptData(X509Certificate? certificate, X509Certificate2? control)
    {
        if (certificate is null)
        {
            return true;
        }

        if (control is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(control.RawData))
        {
            return true;
        }

        FtpLog.DataClientCertificateRefused(logger, certificate.Subject, control?.Subject ?? "(none)");
        return false;
    }

    /// <summary>A certificate of our own (public part only), independent of the TLS stream's lifetime.</summary>
    public static X509Certificate2 Copy(X509Certificate certificate) => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
