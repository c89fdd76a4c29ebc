using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>
/// Validates TLS client certificates against the authorities of <see cref="FtpTlsOptions.ClientCertificateAuthorityPath"/>
/// only (never the system store): the chain, the validity period at the server's time, and an Extended Key Usage that
/// allows client authentication. Revocation is not checked.
/// </summary>
internal sealed class ClientCertificateValidator
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string Setting = "Ftp:Tls:ClientCertificateAuthorityPath";
    private readonly X509Certificate2Collection _roots;
    private readonly X509Certificate2Collection _intermediates;
    private readonly TimeProvider _time;

    private ClientCertificateValidator(X509Certificate2Collection roots, X509Certificate2Collection intermediates, TimeProvider time)
    {
        _roots = roots;
        _intermediates = intermediates;
        _time = time;
    }

    /// <summary>
    /// Reads the PEM bundle at <paramref name="path"/>; throws an <see cref="OptionsValidationException"/> naming the
    /// setting when it cannot be read, is not PEM, or holds no CA certificate.
    /// </summary>
    public static ClientCertificateValidator Load(string? path, TimeProvider time)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw Fail($"{Setting} is not set: give a PEM file with the certificate authorities that issue client certificates (Ftp:Tls:ClientCertificates needs it).");
        }

        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail($"{Setting} '{path}' cannot be read ({ex.Message}): check the path and the file's permissions.");
        }
        catch (CryptographicException ex)
        {
            throw Fail($"{Setting} '{path}' is not a PEM certificate bundle ({ex.Message}): give PEM certificates (-----BEGIN CERTIFICATE-----).");
        }

        var authorities = all.Where(IsAuthority).ToList();
        if (authorities.Count == 0)
        {
            throw Fail($"{Setting} '{path}' holds no CA certificate (one with Basic Constraints CA=true): give the certificate of the authority that issues client certificates, not a client certificate.");
        }

        var roots = new X509Certificate2Collection(authorities.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToArray());
        var intermediates = new X509Certificate2Collection(authorities.Where(c => !roots.Contains(c)).ToArray());
        return new ClientCertificateValidator(roots.Count > 0 ? roots : intermediates, intermediates, time);
    }

    /// <summary>The CA certificates of the bundle (roots and intermediates).</summary>
    public X509Certificate2Collection Authorities => [.. _roots, .. _intermediates.Where(c => !_roots.Contains(c))];

    /// <summary>Why <paramref name="certificate"/> is refused, or <see langword="null"/> when it is valid.</summary>
    public string? Problem(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_roots);
        policy.ExtraStore.AddRange(_intermediates);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        try
        {
            if (chain.Build(certificate))
            {
                return null;
            }

            var statuses = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct();
            return string.Join(", ", statuses);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                var owned = element.Certificate;
                if (!ReferenceEquals(owned, certificate) && !_roots.Any(c => ReferenceEquals(c, owned)) && !_intermediates.Any(c => ReferenceEquals(c, owned)))
                {
                    owned.Dispose();
                }
            }
        }
    }

    private static bool IsAuthority(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true };

    private static OptionsValidationException Fail(string message) => new("Ftp", typeof(FtpServerOptions), [message]);
}
