using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>
/// Certificate authorities and TLS client certificates for the client-certificate tests (also compiled into the unit and
/// interop tests): a CA, another CA, and client certificates they issue, valid, expired or without client authentication.
/// </summary>
public static class ClientCertificates
{
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private static readonly Lazy<X509Certificate2> SharedAuthority = new(() => CreateAuthority("CN=Ftp.Embedded Test Client CA"));
    private static readonly Lazy<X509Certificate2> SharedOtherAuthority = new(() => CreateAuthority("CN=Ftp.Embedded Other CA"));

    /// <summary>The CA the tests' servers trust.</summary>
    public static X509Certificate2 Authority => SharedAuthority.Value;

    /// <summary>A CA no server trusts.</summary>
    public static X509Certificate2 OtherAuthority => SharedOtherAuthority.Value;

    /// <summary>A self-signed CA valid from 30 days ago for 10 years.</summary>
    public static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-30), now.AddYears(10));
    }

    /// <summary>A client certificate for <c>CN=<paramref name="commonName"/></c>, with its private key, issued by <paramref name="issuer"/> (default <see cref="Authority"/>).</summary>
    public static X509Certificate2 Issue(
        string commonName, X509Certificate2? issuer = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string usage = ClientAuthentication)
    {
        issuer ??= Authority;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(issuer, notBefore ?? now.AddDays(-1), notAfter ?? now.AddDays(30), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12, so that the key is usable by SslStream as a client certificate.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>An expired client certificate of <see cref="Authority"/>.</summary>
    public static X509Certificate2 Expired(string commonName)
        => Issue(commonName, notBefore: DateTimeOffset.UtcNow.AddDays(-20), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

    /// <summary>Writes <paramref name="certificates"/> as one PEM file (a CA bundle).</summary>
    public static string WriteBundle(string path, params X509Certificate2[] certificates)
    {
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    /// <summary>Writes the certificate and its unencrypted PKCS#8 key as PEM files (for curl and Python); returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(string directory, string name, X509Certificate2 certificate)
    {
        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certificatePath, keyPath);
    }
}
