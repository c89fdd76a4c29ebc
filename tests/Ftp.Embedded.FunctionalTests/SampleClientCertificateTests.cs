using Ftp.Embedded.FunctionalTests.Infrastructure;
using Ftp.Embedded.Samples.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>The sample host's --tls-client-ca and --require-client-cert.</summary>
public sealed class SampleClientCertificateTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("ftp-sample-client-certs-");

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData(new[] { "--require-client-cert" }, "--require-client-cert needs --tls-client-ca FILE: the CA certificates that issue client certificates.")]
    [InlineData(new[] { "--tls-client-ca", "ca.pem" }, "--tls-client-ca needs a server certificate: give --tls-cert FILE (or --tls-self-signed for local testing).")]
    [InlineData(new[] { "--tls-client-ca" }, "--tls-client-ca needs a value.")]
    public async Task Bad_client_certificate_options_are_errors_with_a_clear_message(string[] arguments, string message)
    {
        var error = new StringWriter();
        (await SampleServer.RunAsync(arguments, TextWriter.Null, error)).Should().Be(2);
        error.ToString().Trim().Should().Be(message);
    }

    [Fact]
    public async Task Help_lists_the_client_certificate_options()
    {
        var output = new StringWriter();
        (await SampleServer.RunAsync(["--help"], output, TextWriter.Null)).Should().Be(0);
        output.ToString().Should().Contain("--tls-client-ca FILE").And.Contain("--require-client-cert");
    }

    [Fact]
    public void The_options_parse_and_configure_TLS()
    {
        var options = SampleOptions.Parse(["--tls-self-signed", "--tls-client-ca=ca.pem", "--require-client-cert"], TextWriter.Null)!;
        options.TlsClientCa.Should().Be("ca.pem");
        options.RequireClientCertificate.Should().BeTrue();
        var tls = new FtpTlsOptions();
        SampleClientCertificates.Configure(tls, options);
        tls.ClientCertificates.Should().Be(FtpClientCertificateMode.Required);
        tls.ClientCertificateAuthorityPath.Should().Be(Path.GetFullPath("ca.pem"));
        tls.AllowCertificateOnlyLogin.Should().BeTrue();
        tls.ClientCertificateMapper.Should().BeOfType<SampleClientCertificates.CommonNameMapper>();

        var optional = new FtpTlsOptions();
        SampleClientCertificates.Configure(optional, SampleOptions.Parse(["--tls-self-signed", "--tls-client-ca", "ca.pem"], TextWriter.Null)!);
        optional.ClientCertificates.Should().Be(FtpClientCertificateMode.Optional);
        var none = new FtpTlsOptions();
        SampleClientCertificates.Configure(none, SampleOptions.Parse(["--tls-self-signed"], TextWriter.Null)!);
        none.ClientCertificates.Should().Be(FtpClientCertificateMode.None);
        none.ClientCertificateMapper.Should().BeNull();
    }

    [Fact]
    public async Task The_sample_host_logs_in_the_user_named_by_the_certificate_CN()
    {
        var ca = ClientCertificates.WriteBundle(Path.Combine(_scratch.Path, "ca.pem"), ClientCertificates.Authority);
        var options = SampleOptions.Parse(["--port", "0", "--root", Path.Combine(_scratch.Path, "root"), "--user", "alice:secret", "--user", "bob:hunter2",
            "--tls-self-signed", "--tls-client-ca", ca, "--require-client-cert"], TextWriter.Null)!;
        using var host = SampleServer.Build(options);
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            using var alice = ClientCertificates.Issue("alice");
            await using (var client = await FtpTestClient.ConnectAsync(port))
            {
                await client.ExpectAsync("AUTH TLS", 234);
                await client.UpgradeToTlsAsync(alice);
                await client.ExpectAsync("USER bob", 331);
                await client.ExpectAsync("PASS hunter2", 530);
                await client.ExpectAsync("USER alice", 232);
                await client.ExpectAsync("PWD", 257);
            }

            await using var clear = await FtpTestClient.ConnectAsync(port);
            (await clear.ExpectAsync("USER alice", 530)).Text.Should().Contain("client certificate is required");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
