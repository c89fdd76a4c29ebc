using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Ftp.Embedded;

/// <summary>FTPS (RFC 4217) settings: the certificate, implicit-TLS endpoints and what must be encrypted.</summary>
public sealed class FtpTlsOptions
{
    /// <summary>
    /// The server certificate, with its private key. Alternatively set <see cref="CertificatePath"/>. The start fails when
    /// it has no private key, is expired or not valid yet, or its Extended Key Usage does not allow server authentication.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// A PFX/PKCS#12 file, or a PEM certificate file (with <see cref="KeyPath"/>, or with the key inside). The file is
    /// checked for changes at most every few seconds, and a new certificate applies to new connections without a restart.
    /// The start fails, with a message that names the setting to fix, when the file cannot be read, the password does not
    /// open it, the key is missing or belongs to another certificate, or the certificate would be refused by clients (as
    /// for <see cref="Certificate"/>).
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key file that goes with a PEM <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of the PFX file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Endpoints that speak TLS from the first byte (implicit FTPS, conventionally port 990). Their data connections are
    /// protected by default. Configuration form: <c>"ImplicitEndpoints": [ "0.0.0.0:990" ]</c>.
    /// </summary>
    public IList<IPEndPoint> ImplicitEndpoints { get; } = new List<IPEndPoint>();

    /// <summary>Whether users other than anonymous must secure the control connection (AUTH TLS) before USER/PASS. Default false.</summary>
    public bool RequireForLogin { get; set; }

    /// <summary>Whether users other than anonymous must protect data connections (PROT P). Default false.</summary>
    public bool RequireForData { get; set; }

    /// <summary>Whether the requirements above apply to anonymous users too. Default false: anonymous may stay in clear text.</summary>
    public bool RequireForAnonymous { get; set; }

    /// <summary>
    /// Whether TLS clients are asked for a certificate. <see cref="FtpClientCertificateMode.Optional"/> and
    /// <see cref="FtpClientCertificateMode.Required"/> need <see cref="ClientCertificateAuthorityPath"/>. A presented
    /// certificate must chain to one of those authorities (and no other: the system store is not used), be within its
    /// validity period and allow client authentication; revocation is not checked. Data connections under PROT P ask
    /// for a certificate too and refuse one that differs from the control connection's. Default
    /// <see cref="FtpClientCertificateMode.None"/>. Configuration key <c>Ftp:Tls:ClientCertificates</c>.
    /// </summary>
    public FtpClientCertificateMode ClientCertificates { get; set; }

    /// <summary>
    /// A PEM file with the certificate authorities client certificates must chain to (self-signed roots, and any
    /// intermediates). Read on start, which fails when the file is missing, unreadable or holds no CA certificate.
    /// Configuration key <c>Ftp:Tls:ClientCertificateAuthorityPath</c>.
    /// </summary>
    public string? ClientCertificateAuthorityPath { get; set; }

    /// <summary>
    /// Maps a client certificate to the user it stands for. When set, a session with a client certificate can log in
    /// only as that user (530 otherwise, counted as a failed login). <see langword="null"/> (the default): certificates
    /// only admit clients, and users log in with their passwords.
    /// </summary>
    public IFtpClientCertificateMapper? ClientCertificateMapper { get; set; }

    /// <summary>
    /// Whether USER alone logs in (232, RFC 4217) when the session's certificate maps to that user: the authenticators are
    /// then asked with <see cref="FtpLoginContext.AuthenticatedByCertificate"/> set and no password. Needs
    /// <see cref="ClientCertificateMapper"/>. Default false: the certificate and the password are both needed.
    /// Configuration key <c>Ftp:Tls:AllowCertificateOnlyLogin</c>.
    /// </summary>
    public bool AllowCertificateOnlyLogin { get; set; }

    /// <summary>Whether a certificate is configured, which enables AUTH TLS and implicit endpoints.</summary>
    public bool IsEnabled => Certificate is not null || !string.IsNullOrEmpty(CertificatePath);
}
