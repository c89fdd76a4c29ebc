using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Ftp.Embedded.Internal.Configuration;
using Ftp.Embedded.Internal.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.Tests.Tls;

/// <summary>The client CA bundle is checked on start; client certificates are validated against it alone.</summary>
public sealed class ClientCertificateValidationTests : IDisposable
{
    private readonly ScratchDirectory _files = new("ftp-client-ca-");

    public void Dispose() => _files.Dispose();

    private string Bundle(params X509Certificate2[] certificates)
        => ClientCertificates.WriteBundle(Path.Combine(_files.Path, $"{Guid.NewGuid():N}.pem"), certificates);

    [Fact]
    public void Valid_certificates_of_the_configured_CA_pass_and_the_others_say_why_not()
    {
        var validator = ClientCertificateValidator.Load(Bundle(ClientCertificates.Authority), TimeProvider.System);
        using var valid = ClientCertificates.Issue("alice");
        using var other = ClientCertificates.Issue("alice", ClientCertificates.OtherAuthority);
        using var expired = ClientCertificates.Expired("alice");
        using var server = ClientCertificates.Issue("alice", usage: ClientCertificates.ServerAuthentication);
        validator.Problem(valid).Should().BeNull();
        validator.Problem(other).Should().Contain("PartialChain").And.NotContain("NotTimeValid");
        validator.Problem(expired).Should().Contain("NotTimeValid");
        validator.Problem(server).Should().Contain("NotValidForUsage");
    }

    [Fact]
    public void Validity_is_judged_at_the_server_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(60));
        var validator = ClientCertificateValidator.Load(Bundle(ClientCertificates.Authority), time);
        using var certificate = ClientCertificates.Issue("alice");
        validator.Problem(certificate).Should().Contain("NotTimeValid");
    }

    [Fact]
    public void A_bundle_with_several_authorities_trusts_each()
    {
        var validator = ClientCertificateValidator.Load(Bundle(ClientCertificates.OtherAuthority, ClientCertificates.Authority), TimeProvider.System);
        using var one = ClientCertificates.Issue("a");
        using var two = ClientCertificates.Issue("b", ClientCertificates.OtherAuthority);
        validator.Problem(one).Should().BeNull();
        validator.Problem(two).Should().BeNull();
    }

    [Fact]
    public void A_bad_bundle_fails_the_start_naming_the_setting()
    {
        using var client = ClientCertificates.Issue("alice");
        Load(null).Should().StartWith("Ftp:Tls:ClientCertificateAuthorityPath is not set");
        var noCa = Bundle(client);
        Load(noCa).Should().Be($"Ftp:Tls:ClientCertificateAuthorityPath '{noCa}' holds no CA certificate (one with Basic Constraints CA=true): give the certificate of the authority that issues client certificates, not a client certificate.");
        var empty = _files.Write("empty.pem", "not a certificate\n");
        Load(empty).Should().StartWith($"Ftp:Tls:ClientCertificateAuthorityPath '{empty}' holds no CA certificate");
        var broken = _files.Write("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Load(broken).Should().StartWith($"Ftp:Tls:ClientCertificateAuthorityPath '{broken}' is not a PEM certificate bundle");
    }

    [Fact]
    public void The_TLS_context_loads_the_bundle_on_start_only_when_client_certificates_are_on()
    {
        var missing = Path.Combine(_files.Path, "missing.pem");
        var options = new FtpTlsOptions { Certificate = TestCertificate.Instance, ClientCertificateAuthorityPath = missing };
        new TlsContext(options, TimeProvider.System).Validate();
        options.ClientCertificates = FtpClientCertificateMode.Optional;
        var validate = () => new TlsContext(options, TimeProvider.System).Validate();
        validate.Should().Throw<OptionsValidationException>().WithMessage($"Ftp:Tls:ClientCertificateAuthorityPath '{missing}' cannot be read*");
        options.ClientCertificateAuthorityPath = Bundle(ClientCertificates.Authority);
        validate.Should().NotThrow();
        new TlsContext(options, TimeProvider.System).CreateOptions(dataConnection: false).ClientCertificateRequired.Should().BeTrue();
    }

    [Fact]
    public void Settings_that_cannot_work_together_are_reported()
    {
        Failures(t => t.ClientCertificates = FtpClientCertificateMode.Required).Should().BeEquivalentTo(
            "Ftp:Tls:ClientCertificates needs TLS: set Tls.Certificate or Tls:CertificatePath.",
            "Ftp:Tls:ClientCertificateAuthorityPath is not set: give a PEM file with the certificate authorities that issue client certificates (Ftp:Tls:ClientCertificates needs it).");
        Failures(t =>
        {
            t.Certificate = TestCertificate.Instance;
            t.ClientCertificates = FtpClientCertificateMode.Optional;
            t.ClientCertificateAuthorityPath = "/nonexistent/ca.pem";
            t.AllowCertificateOnlyLogin = true;
        }).Should().BeEquivalentTo(
            "Ftp:Tls:ClientCertificateAuthorityPath '/nonexistent/ca.pem' does not exist: give a PEM file with the CA certificates.",
            "Ftp:Tls:AllowCertificateOnlyLogin needs Tls:ClientCertificates (Optional or Required) and Tls.ClientCertificateMapper, which maps a certificate to its user.");
        Failures(t => t.ClientCertificates = (FtpClientCertificateMode)7).Should().Equal("Ftp:Tls:ClientCertificates '7' is not a mode: give None, Optional or Required.");
    }

    [Fact]
    public void Configuration_binds_the_client_certificate_settings()
    {
        var tls = Bind(new()
        {
            ["Ftp:Tls:ClientCertificates"] = "required",
            ["Ftp:Tls:ClientCertificateAuthorityPath"] = "/etc/ftp/clients-ca.pem",
            ["Ftp:Tls:AllowCertificateOnlyLogin"] = "true",
        });
        tls.ClientCertificates.Should().Be(FtpClientCertificateMode.Required);
        tls.ClientCertificateAuthorityPath.Should().Be("/etc/ftp/clients-ca.pem");
        tls.AllowCertificateOnlyLogin.Should().BeTrue();
        var bad = () => Bind(new() { ["Ftp:Tls:ClientCertificates"] = "2" });
        bad.Should().Throw<OptionsValidationException>().WithMessage("Ftp:Tls:ClientCertificates = '2' is not valid: use None, Optional or Required.");
    }

    private static FtpTlsOptions Bind(Dictionary<string, string?> values)
    {
        var options = new FtpServerOptions();
        new FtpConfigurationSetup(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).Configure(options);
        return options.Tls;
    }

    private static IEnumerable<string> Failures(Action<FtpTlsOptions> configure)
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        configure(options.Tls);
        var result = new FtpServerOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures : [];
    }

    private static string? Load(string? path)
    {
        try
        {
            ClientCertificateValidator.Load(path, TimeProvider.System);
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
    }
}
