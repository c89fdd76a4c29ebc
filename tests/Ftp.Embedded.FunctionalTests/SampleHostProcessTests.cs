using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// Runs the sample host as a process, from its own build output, as a user would: every start-up failure ends with exit
/// status 1 and one line that says what to fix, never a crash or a stack trace.
/// </summary>
public sealed class SampleHostProcessTests : IDisposable
{
    private readonly ScratchDirectory _files = new("ftp-sample-process-");

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> CertificateMistakes => ["wrong-pfx-password", "pem-without-key", "wrong-pem-key-password", "expired", "not-yet-valid", "client-certificate"];

    [Theory]
    [MemberData(nameof(CertificateMistakes))]
    public async Task A_certificate_mistake_is_one_line_and_exit_status_1(string mistake)
    {
        var valid = TestCertificate.Instance;
        (string[] Arguments, string Expected) @case = mistake switch
        {
            "wrong-pfx-password" => (["--tls-cert", _files.Write("server.pfx", valid.Export(X509ContentType.Pkcs12, "right")), "--tls-cert-password", "wrong"],
                $"Ftp:Tls:CertificatePassword does not open the PFX file '{Path.Combine(_files.Path, "server.pfx")}' (Ftp:Tls:CertificatePath): give the password the file was exported with."),
            "pem-without-key" => (["--tls-cert", _files.Write("server.crt", valid.ExportCertificatePem())],
                $"Ftp:Tls:CertificatePath '{Path.Combine(_files.Path, "server.crt")}' is a PEM certificate without its private key: set Ftp:Tls:KeyPath to the key file, or append the key to the certificate file."),
            "wrong-pem-key-password" => (["--tls-cert", _files.Write("server.crt", valid.ExportCertificatePem()), "--tls-key", _files.Write("server.key", TestCertificate.KeyPem(valid, "right")), "--tls-cert-password", "wrong"],
                $"Ftp:Tls:CertificatePassword does not decrypt the private key in '{Path.Combine(_files.Path, "server.key")}' (Ftp:Tls:KeyPath): give the password the key was encrypted with."),
            "expired" => (["--tls-cert", _files.Write("old.pfx", TestCertificate.Create(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-30)).Export(X509ContentType.Pkcs12))],
                $"Ftp:Tls:CertificatePath '{Path.Combine(_files.Path, "old.pfx")}' expired on *: renew it; clients refuse an expired certificate."),
            "not-yet-valid" => (["--tls-cert", _files.Write("new.pfx", TestCertificate.Create(DateTimeOffset.UtcNow.AddDays(2), DateTimeOffset.UtcNow.AddDays(30)).Export(X509ContentType.Pkcs12))],
                $"Ftp:Tls:CertificatePath '{Path.Combine(_files.Path, "new.pfx")}' is not valid before *: use a certificate that is valid now, or correct the machine's clock."),
            _ => (["--tls-cert", _files.Write("client.pfx", TestCertificate.Create(extendedKeyUsage: "1.3.6.1.5.5.7.3.2").Export(X509ContentType.Pkcs12))],
                $"Ftp:Tls:CertificatePath '{Path.Combine(_files.Path, "client.pfx")}' is not a server certificate: *"),
        };

        var (exitCode, output, error) = await RunAsync(["--port", "0", "--root", Path.Combine(_files.Path, "root"), .. @case.Arguments]);
        exitCode.Should().Be(1, error);
        OneLine(output, error).Should().Match("Cannot start the FTP server: " + @case.Expected);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_that_names_the_endpoint()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen(1);
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;
        var (exitCode, output, error) = await RunAsync(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--root", Path.Combine(_files.Path, "root")]);
        exitCode.Should().Be(1, error);
        OneLine(output, error).Should().Be($"Cannot start the FTP server: Failed to bind to 127.0.0.1:{port}: address already in use. Another process listens on that port: stop it, or choose another port in Ftp:Endpoints.");
    }

    [Fact]
    public async Task The_control_port_given_again_for_implicit_TLS_is_one_line()
    {
        var (exitCode, output, error) = await RunAsync(["--port", "3160", "--implicit-tls-port", "3160", "--tls-self-signed", "--root", Path.Combine(_files.Path, "root")]);
        exitCode.Should().Be(1, error);
        OneLine(output, error).Should().Be("Cannot start the FTP server: Ftp:Tls:ImplicitEndpoints:0 127.0.0.1:3160 is also Ftp:Endpoints:0: a port can be listened on once; remove the duplicate, or give each endpoint its own port.");
    }

    [Fact]
    public async Task An_address_that_cannot_be_bound_is_one_line_that_names_it()
    {
        var (exitCode, output, error) = await RunAsync(["--listen", "192.0.2.1", "--port", "0", "--root", Path.Combine(_files.Path, "root")]);
        exitCode.Should().Be(1, error);
        OneLine(output, error).Should().Be("Cannot start the FTP server: Failed to bind to 192.0.2.1:0: the address is not one of this machine's. Give a local address in Ftp:Endpoints, or 0.0.0.0 or [::] for all.");
    }

    [Fact]
    public async Task A_root_that_is_a_file_is_one_line()
    {
        var file = _files.Write("not-a-directory", "x");
        var (exitCode, output, error) = await RunAsync(["--port", "0", "--root", file]);
        exitCode.Should().Be(1, error);
        OneLine(output, error).Should().Be($"Cannot start the FTP server: --root '{file}' is a file: give a directory to serve (a missing one is created).");
    }

    [Fact]
    public async Task The_banner_says_which_endpoint_is_implicit_TLS()
    {
        var root = Path.Combine(_files.Path, "root");
        using var process = Start(["--port", "0", "--implicit-tls-port", "0", "--tls-self-signed", "--root", root]);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var lines = new List<string>();
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line && line != "Press Ctrl+C to stop.")
            {
                lines.Add(line);
            }

            // The console logger's lines come between the banner's; the banner's listening lines end with what is served.
            var banner = lines.Where(l => l.EndsWith($" serving {root}", StringComparison.Ordinal)).ToList();
            banner.Should().HaveCount(2, string.Join('\n', lines));
            banner[0].Should().MatchRegex(@"^FTP server listening on 127\.0\.0\.1:\d+ serving ");
            banner[1].Should().MatchRegex(@"^FTPS \(implicit TLS\) listening on 127\.0\.0\.1:\d+ serving ");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Everything the process wrote, which must be one line on standard error and nothing else.</summary>
    private static string OneLine(string output, string error)
    {
        output.Should().BeEmpty("nothing but the one line is written");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(error);
        return lines[0];
    }




    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] arguments)
    {
        using var process = Start(arguments);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts the sample host from its own build output, with its own appsettings.json, as `dotnet run` would.</summary>
    private static Process Start(string[] arguments)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = testOutput;
        while (!File.Exists(Path.Combine(repository.FullName, "Ftp.Embedded.sln")))
        {
            repository = repository.Parent!;
        }

        var dll = Path.Combine(repository.FullName, "samples", "Ftp.Embedded.Samples.Server", "bin", testOutput.Parent!.Name, testOutput.Name, "Ftp.Embedded.Samples.Server.dll");
        File.Exists(dll).Should().BeTrue(dll);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
