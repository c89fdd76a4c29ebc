using System.Security.Cryptography.X509Certificates;

namespace Ftp.Embedded.Samples.Server;

/// <summary>
/// TLS client certificates in the sample host: <c>--tls-client-ca FILE</c> asks FTPS clients for a certificate issued
/// by the CAs in FILE (PEM), and <c>--require-client-cert</c> makes one mandatory. A certificate stands for the user
/// named by its common name (CN): USER NAME alone logs that user in (232), and a login as anyone else fails.
/// </summary>
public static class SampleClientCertificates
{
    /// <summary>Reads one of this block's options into <paramref name="options"/>; false when <paramref name="option"/> is not one.</summary>
    public static bool TryParse(string option, Func<string> value, SampleOptions options)
    {
        switch (option)
        {
            case "--tls-client-ca":
                options.TlsClientCa = value();
                return true;
            case "--require-client-cert":
                options.RequireClientCertificate = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>What is wrong with this block's options together with the others, or <see langword="null"/>.</summary>
    public static string? Problem(SampleOptions options)
    {
        if (options.RequireClientCertificate && options.TlsClientCa is null)
        {
            return "--require-client-cert needs --tls-client-ca FILE: the CA certificates that issue client certificates.";
        }

        return options.TlsClientCa is not null && options.TlsCertificate is null && !options.TlsSelfSigned
            ? "--tls-client-ca needs a server certificate: give --tls-cert FILE (or --tls-self-signed for local testing)."
            : null;
    }

    /// <summary>Turns client certificates on in <paramref name="tls"/> when <c>--tls-client-ca</c> was given.</summary>
    public static void Configure(FtpTlsOptions tls, SampleOptions options)
    {
        if (options.TlsClientCa is not { } ca)
        {
            return;
        }

        tls.ClientCertificates = options.RequireClientCertificate ? FtpClientCertificateMode.Required : FtpClientCertificateMode.Optional;
        tls.ClientCertificateAuthorityPath = Path.GetFullPath(ca);
        tls.ClientCertificateMapper = new CommonNameMapper();
        tls.AllowCertificateOnlyLogin = true;
    }

    /// <summary>Maps a certificate to the user named by its subject's common name.</summary>
    public sealed class CommonNameMapper : IFtpClientCertificateMapper
    {
        public ValueTask<string?> MapAsync(X509Certificate2 certificate, FtpSessionInfo session, CancellationToken cancellationToken)
        {
            var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            return ValueTask.FromResult<string?>(string.IsNullOrEmpty(name) ? null : name);
        }
    }
}
