using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>
/// Loads the server certificate from <see cref="FtpTlsOptions"/> and checks that TLS clients can accept it. Every
/// mistake becomes an <see cref="OptionsValidationException"/> that names the setting and says what to fix, instead of
/// the cryptography library's own exception.
/// </summary>
internal static class CertificateLoader
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string AnyExtendedKeyUsage = "2.5.29.37.0";
    private const int InvalidPassword = unchecked((int)0x80070056); // ERROR_INVALID_PASSWORD, what a PKCS#12 load reports
    private const string PemCertificate = "-----BEGIN CERTIFICATE-----";
    private const string EncryptedKey = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
    private static readonly string[] PlainKeys = ["-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"];

    /// <summary>Reads <see cref="FtpTlsOptions.CertificatePath"/> (PFX, or PEM with its key) and checks it.</summary>
    public static X509Certificate2 Load(FtpTlsOptions options, string path)
    {
        X509Certificate2 loaded;
        try
        {
            var text = File.ReadAllText(path);
            loaded = options.KeyPath is { } keyPath ? ReadPem(options, path, text, keyPath)
                : text.Contains("-----BEGIN", StringComparison.Ordinal) ? ReadPem(options, path, text, path)
                : ReadPfx(options, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail($"Ftp:Tls:CertificatePath '{path}' or its key cannot be read ({ex.Message}): check the path and the file's permissions.");
        }

        using (loaded)
        {
            Check(loaded, $"Ftp:Tls:CertificatePath '{path}'");
            // Ephemeral PEM keys cannot be used by SslStream on every platform; a PKCS#12 round trip gives a usable key.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
    }

    /// <summary>
    /// Checks what makes clients refuse a server certificate or the handshake fail: no private key, not valid yet,
    /// expired, or an Extended Key Usage without server authentication.
    /// </summary>
    public static void Check(X509Certificate2 certificate, string name)
    {
        if (!certificate.HasPrivateKey)
        {
            throw Fail($"{name} has no private key: give a PFX that includes the key, or a PEM certificate with its key (Ftp:Tls:KeyPath).");
        }

        var now = DateTime.Now;
        if (now < certificate.NotBefore)
        {
            throw Fail($"{name} is not valid before {certificate.NotBefore.ToUniversalTime():u}: use a certificate that is valid now, or correct the machine's clock.");
        }

        if (now > certificate.NotAfter)
        {
            throw Fail($"{name} expired on {certificate.NotAfter.ToUniversalTime():u}: renew it; clients refuse an expired certificate.");
        }

        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value is ServerAuthentication or AnyExtendedKeyUsage))
        {
            throw Fail($"{name} is not a server certificate: its Extended Key Usage lacks server authentication (1.3.6.1.5.5.7.3.1), so clients refuse it. Use a certificate issued for TLS servers.");
        }
    }

    private static X509Certificate2 ReadPfx(FtpTlsOptions options, string path)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (CryptographicException ex) when (ex.HResult == InvalidPassword)
        {
            throw Fail(options.CertificatePassword is null
                ? $"Ftp:Tls:CertificatePath '{path}' is a PFX protected by a password: set Ftp:Tls:CertificatePassword."
                : $"Ftp:Tls:CertificatePassword does not open the PFX file '{path}' (Ftp:Tls:CertificatePath): give the password the file was exported with.");
        }
        catch (CryptographicException)
        {
            throw Fail($"Ftp:Tls:CertificatePath '{path}' is neither a PFX (PKCS#12) nor a PEM file: give a PFX file, or a PEM certificate with its key.");
        }
    }

    /// <summary>A PEM certificate with its key in <paramref name="keyPath"/>, which is the certificate file itself when no KeyPath is set.</summary>
    private static X509Certificate2 ReadPem(FtpTlsOptions options, string path, string certificateText, string keyPath)
    {
        var keySetting = keyPath == path ? "Ftp:Tls:CertificatePath" : "Ftp:Tls:KeyPath";
        if (!certificateText.Contains(PemCertificate, StringComparison.Ordinal))
        {
            throw Fail($"Ftp:Tls:CertificatePath '{path}' holds no PEM certificate ({PemCertificate}): give a PEM certificate, or a PFX file without Ftp:Tls:KeyPath.");
        }

        var keyText = keyPath == path ? certificateText : File.ReadAllText(keyPath);
        var mismatch = $"{keySetting} '{keyPath}' holds a private key that does not belong to the certificate in '{path}': give the certificate's own key.";
        if (keyText.Contains(EncryptedKey, StringComparison.Ordinal))
        {
            if (options.CertificatePassword is not { } password)
            {
                throw Fail($"{keySetting} '{keyPath}' holds an encrypted private key: set Ftp:Tls:CertificatePassword to its password.");
            }

            try
            {
                return X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            }
            catch (CryptographicException)
            {
                throw Fail(Decrypts(keyText, password)
                    ? mismatch
                    : $"Ftp:Tls:CertificatePassword does not decrypt the private key in '{keyPath}' ({keySetting}): give the password the key was encrypted with.");
            }
        }

        if (!PlainKeys.Any(label => keyText.Contains(label, StringComparison.Ordinal)))
        {
            throw Fail(keyPath == path
                ? $"Ftp:Tls:CertificatePath '{path}' is a PEM certificate without its private key: set Ftp:Tls:KeyPath to the key file, or append the key to the certificate file."
                : $"Ftp:Tls:KeyPath '{keyPath}' holds no PEM private key (-----BEGIN PRIVATE KEY-----): give the certificate's key file.");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(path, keyPath);
        }
        catch (CryptographicException)
        {
            throw Fail(mismatch);
        }
    }

    private static bool Decrypts(string keyText, string password)
    {
        using var rsa = RSA.Create();
        using var ecdsa = ECDsa.Create();
        foreach (AsymmetricAlgorithm algorithm in (AsymmetricAlgorithm[])[rsa, ecdsa])
        {
            try
            {
                algorithm.ImportFromEncryptedPem(keyText, password);
                return true;
            }
            catch (CryptographicException)
            {
            }
        }

        return false;
    }

    private static OptionsValidationException Fail(string message) => new("Ftp", typeof(FtpServerOptions), [message]);
}
