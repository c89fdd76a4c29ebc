using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.Samples.Server;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>The sample host's self-signed certificate for localhost, one per test run (also compiled into the unit tests).</summary>
public static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(() => Create());

    public static X509Certificate2 Instance => Shared.Value;

    /// <inheritdoc cref="SelfSignedCertificate.Create"/>
    public static X509Certificate2 Create(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? extendedKeyUsage = null)
        => SelfSignedCertificate.Create(notBefore, notAfter, extendedKeyUsage);

    /// <summary>The certificate's private key as PEM: PKCS#8, encrypted with <paramref name="password"/> when one is given.</summary>
    public static string KeyPem(X509Certificate2 certificate, string? password = null)
    {
        using var key = certificate.GetRSAPrivateKey()!;
        return password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
    }
}
