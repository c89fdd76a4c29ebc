using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ftp.Embedded.Samples.Server;

/// <summary>
/// A throw-away certificate for localhost and 127.0.0.1, for trying FTPS locally (--tls-self-signed). The repository's
/// tests, interop tests and fuzz harness compile this same file for theirs.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>
    /// A new certificate with its key, valid from a day ago for 30 days unless <paramref name="notBefore"/> and
    /// <paramref name="notAfter"/> say otherwise; with <paramref name="extendedKeyUsage"/>, an Extended Key Usage
    /// extension that lists only that purpose (an OID such as 1.3.6.1.5.5.7.3.2, client authentication).
    /// </summary>
    public static X509Certificate2 Create(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? extendedKeyUsage = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        if (extendedKeyUsage is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsage)], critical: false));
        }

        using var certificate = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
