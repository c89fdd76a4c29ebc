using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Ftp.Embedded.Internal.Tls;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Tls;

/// <summary>Certificate mistakes fail the start with a message that names the setting and says what to fix.</summary>
public sealed class CertificateValidationTests : IDisposable
{
    private static readonly Lazy<X509Certificate2> Valid = new(() => TestCertificate.Create());
    private readonly ScratchDirectory _files = new("ftp-cert-");

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_PFX_with_its_password_and_a_PEM_pair_load()
    {
        Validate(new FtpTlsOptions { CertificatePath = Pfx(Valid.Value, "pw"), CertificatePassword = "pw" }).Should().BeNull();
        Validate(new FtpTlsOptions { CertificatePath = CertificatePem(Valid.Value), KeyPath = KeyPem(Valid.Value) }).Should().BeNull();
        Validate(new FtpTlsOptions { CertificatePath = CertificatePem(Valid.Value), KeyPath = KeyPem(Valid.Value, "kpw"), CertificatePassword = "kpw" }).Should().BeNull();
        Validate(new FtpTlsOptions { CertificatePath = _files.Write("both.pem", Valid.Value.ExportCertificatePem() + "\n" + Valid.Value.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()) }).Should().BeNull();
        Validate(new FtpTlsOptions { Certificate = Valid.Value }).Should().BeNull();
    }

    [Fact]
    public void A_wrong_PFX_password_names_the_password_setting()
    {
        var pfx = Pfx(Valid.Value, "pw");
        Validate(new FtpTlsOptions { CertificatePath = pfx, CertificatePassword = "wrong" }).Should()
            .Be($"Ftp:Tls:CertificatePassword does not open the PFX file '{pfx}' (Ftp:Tls:CertificatePath): give the password the file was exported with.");
        Validate(new FtpTlsOptions { CertificatePath = pfx }).Should()
            .Be($"Ftp:Tls:CertificatePath '{pfx}' is a PFX protected by a password: set Ftp:Tls:CertificatePassword.");
    }

    [Fact]
    public void A_file_that_is_no_certificate_says_what_to_give()
    {
        var junk = _files.Write("junk.pfx", "\u0001\u0002\u0003");
        Validate(new FtpTlsOptions { CertificatePath = junk }).Should()
            .Be($"Ftp:Tls:CertificatePath '{junk}' is neither a PFX (PKCS#12) nor a PEM file: give a PFX file, or a PEM certificate with its key.");
        var key = KeyPem(Valid.Value);
        Validate(new FtpTlsOptions { CertificatePath = key, KeyPath = key }).Should()
            .Be($"Ftp:Tls:CertificatePath '{key}' holds no PEM certificate (-----BEGIN CERTIFICATE-----): give a PEM certificate, or a PFX file without Ftp:Tls:KeyPath.");
    }

    [Fact]
    public void A_PEM_certificate_without_a_key_names_the_key_setting()
    {
        var certificate = CertificatePem(Valid.Value);
        Validate(new FtpTlsOptions { CertificatePath = certificate }).Should()
            .Be($"Ftp:Tls:CertificatePath '{certificate}' is a PEM certificate without its private key: set Ftp:Tls:KeyPath to the key file, or append the key to the certificate file.");
        var notAKey = CertificatePem(Valid.Value, "other.pem");
        Validate(new FtpTlsOptions { CertificatePath = certificate, KeyPath = notAKey }).Should()
            .Be($"Ftp:Tls:KeyPath '{notAKey}' holds no PEM private key (-----BEGIN PRIVATE KEY-----): give the certificate's key file.");
    }

    [Fact]
    public void A_key_of_another_certificate_is_named()
    {
        var certificate = CertificatePem(Valid.Value);
        var otherKey = KeyPem(TestCertificate.Create());
        Validate(new FtpTlsOptions { CertificatePath = certificate, KeyPath = otherKey }).Should()
            .Be($"Ftp:Tls:KeyPath '{otherKey}' holds a private key that does not belong to the certificate in '{certificate}': give the certificate's own key.");
    }

    [Fact]
    public void A_wrong_or_missing_PEM_key_password_names_the_password_setting()
    {
        var certificate = CertificatePem(Valid.Value);
        var key = KeyPem(Valid.Value, "kpw");
        Validate(new FtpTlsOptions { CertificatePath = certificate, KeyPath = key, CertificatePassword = "wrong" }).Should()
            .Be($"Ftp:Tls:CertificatePassword does not decrypt the private key in '{key}' (Ftp:Tls:KeyPath): give the password the key was encrypted with.");
        Validate(new FtpTlsOptions { CertificatePath = certificate, KeyPath = key }).Should()
            .Be($"Ftp:Tls:KeyPath '{key}' holds an encrypted private key: set Ftp:Tls:CertificatePassword to its password.");
    }

    [Fact]
    public void An_expired_or_not_yet_valid_certificate_is_refused()
    {
        var expired = TestCertificate.Create(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        var expiredPath = Pfx(expired, "pw");
        Validate(new FtpTlsOptions { CertificatePath = expiredPath, CertificatePassword = "pw" }).Should()
            .Be($"Ftp:Tls:CertificatePath '{expiredPath}' expired on {expired.NotAfter.ToUniversalTime():u}: renew it; clients refuse an expired certificate.");

        var future = TestCertificate.Create(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(30));
        var futurePath = Pfx(future, "pw");
        Validate(new FtpTlsOptions { CertificatePath = futurePath, CertificatePassword = "pw" }).Should()
            .Be($"Ftp:Tls:CertificatePath '{futurePath}' is not valid before {future.NotBefore.ToUniversalTime():u}: use a certificate that is valid now, or correct the machine's clock.");
        Validate(new FtpTlsOptions { Certificate = expired }).Should().StartWith("Tls.Certificate expired on ");
    }

    [Fact]
    public void A_certificate_not_meant_for_servers_is_refused()
    {
        var client = TestCertificate.Create(extendedKeyUsage: "1.3.6.1.5.5.7.3.2");
        var path = Pfx(client, "pw");
        Validate(new FtpTlsOptions { CertificatePath = path, CertificatePassword = "pw" }).Should()
            .Be($"Ftp:Tls:CertificatePath '{path}' is not a server certificate: its Extended Key Usage lacks server authentication (1.3.6.1.5.5.7.3.1), so clients refuse it. Use a certificate issued for TLS servers.");
        Validate(new FtpTlsOptions { Certificate = client }).Should().StartWith("Tls.Certificate is not a server certificate");
        Validate(new FtpTlsOptions { Certificate = TestCertificate.Create(extendedKeyUsage: "1.3.6.1.5.5.7.3.1") }).Should().BeNull();
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(Valid.Value.Export(X509ContentType.Cert));
        Validate(new FtpTlsOptions { Certificate = publicOnly }).Should()
            .Be("Tls.Certificate has no private key: give a PFX that includes the key, or a PEM certificate with its key (Ftp:Tls:KeyPath).");
        var path = _files.Write("public.pfx", publicOnly.Export(X509ContentType.Pkcs12));
        Validate(new FtpTlsOptions { CertificatePath = path }).Should().StartWith($"Ftp:Tls:CertificatePath '{path}' has no private key");
    }

    [Fact]
    public async Task The_server_start_fails_with_the_message()
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        options.Tls.CertificatePath = Pfx(Valid.Value, "pw");
        options.Tls.CertificatePassword = "wrong";
        await using var server = FtpServer.Create(options, new InMemoryFileSystemProvider(new InMemoryFileSystem()), []);
        var start = () => server.StartAsync(CancellationToken.None);
        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("Ftp:Tls:CertificatePassword does not open the PFX file*");
        server.EndPoints.Should().BeEmpty();
    }

    [Fact]
    public void A_renewed_file_that_cannot_be_used_keeps_the_previous_certificate_and_is_logged()
    {
        var path = Pfx(Valid.Value, "pw");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var logger = new ListLogger();
        var tls = new TlsContext(new FtpTlsOptions { CertificatePath = path, CertificatePassword = "pw" }, time, logger);
        tls.Validate();

        var expired = TestCertificate.Create(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        File.WriteAllBytes(path, expired.Export(X509ContentType.Pkcs12, "pw"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        time.Advance(TimeSpan.FromSeconds(6));
        tls.CreateOptions(dataConnection: false).ServerCertificateContext!.TargetCertificate.Thumbprint.Should().Be(Valid.Value.Thumbprint);
        logger.Entries.Should().ContainSingle().Which.Should().Be(
            $"61 The renewed TLS certificate {path} was not loaded, the previous one stays in use: Ftp:Tls:CertificatePath '{path}' expired on {expired.NotAfter.ToUniversalTime():u}: renew it; clients refuse an expired certificate.");

        // A good file that follows is loaded.
        var renewed = TestCertificate.Create();
        File.WriteAllBytes(path, renewed.Export(X509ContentType.Pkcs12, "pw"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(2));
        time.Advance(TimeSpan.FromSeconds(6));
        tls.CreateOptions(dataConnection: false).ServerCertificateContext!.TargetCertificate.Thumbprint.Should().Be(renewed.Thumbprint);
        logger.Entries.Should().ContainSingle();
    }

    /// <summary>The start-up check's message, or null when the certificate is accepted.</summary>
    private static string? Validate(FtpTlsOptions options)
    {
        try
        {
            new TlsContext(options, TimeProvider.System).Validate();
            return null;
        }
        catch (OptionsValidationException ex)
        {
            ex.Failures.Should().ContainSingle();
            return ex.Message;
        }
    }

    private string Pfx(X509Certificate2 certificate, string password) => _files.Write($"{Guid.NewGuid():N}.pfx", certificate.Export(X509ContentType.Pkcs12, password));

    private string CertificatePem(X509Certificate2 certificate, string name = "server.crt") => _files.Write(name, certificate.ExportCertificatePem());

    private string KeyPem(X509Certificate2 certificate, string? password = null)
        => _files.Write($"{Guid.NewGuid():N}.key", TestCertificate.KeyPem(certificate, password));



    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        private readonly List<string> _entries = [];

        public IReadOnlyList<string> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add($"{eventId.Id} {formatter(state, exception)}");
            }
        }
    }
}
