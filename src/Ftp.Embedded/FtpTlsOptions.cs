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

    /// <summary>Whether a certificate is configured, which enables AUTH TLS and implicit endpoints.</summary>
    public bool IsEnabled => Certificate is not null || !string.IsNullOrEmpty(CertificatePath);
}
