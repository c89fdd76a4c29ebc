using System.Diagnostics;
using Ftp.Embedded.S3;
using Ftp.Embedded.Samples.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// The sample host's <c>--s3-*</c> options and <c>Ftp:S3</c> settings. Serving from a real S3 store is covered by
/// tests/Ftp.Embedded.FleetTests (nodes of the sample host over RGW); here nothing reaches an S3 endpoint.
/// </summary>
public sealed class SampleHostS3OptionTests
{
    private const string Secret = "s3-secret-never-shown-0123456789";
    private const string SweepFailed = "Removing unfinished uploads left by an earlier process failed";

    [Fact]
    public void Every_S3_option_parses()
    {
        var options = SampleOptions.Parse(
            ["--s3-endpoint", "http://127.0.0.1:7480", "--s3-bucket=ftp-files", "--s3-prefix", "/tenants/a/", "--s3-access-key", "AK", $"--s3-secret-key={Secret}"],
            TextWriter.Null)!;
        options.S3.Enabled.Should().BeTrue();
        options.S3.Endpoint.Should().Be(new Uri("http://127.0.0.1:7480"));
        options.S3.Bucket.Should().Be("ftp-files");
        options.S3.Prefix.Should().Be("tenants/a");
        options.S3.AccessKey.Should().Be("AK");
        options.S3.SecretKey.Should().Be(Secret);
        options.S3.ToString().Should().Be("s3://ftp-files/tenants/a/ at http://127.0.0.1:7480/").And.NotContain(Secret);
        SampleOptions.Parse([], TextWriter.Null)!.S3.Enabled.Should().BeFalse("without S3 settings the host serves --root");
    }

    [Theory]
    [InlineData("--s3-endpoint=127.0.0.1:7480", "--s3-endpoint: '127.0.0.1:7480' is not an http:// or https:// URL without a path, such as http://127.0.0.1:7480.")]
    [InlineData("--s3-endpoint=http://s3/bucket", "--s3-endpoint: 'http://s3/bucket' is not an http:// or https:// URL without a path, such as http://127.0.0.1:7480.")]
    [InlineData("--s3-bucket=Files", "--s3-bucket: 'Files' is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit).")]
    [InlineData("--s3-bucket=ab", "--s3-bucket: 'ab' is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit).")]
    [InlineData("--s3-prefix=a/../b", "--s3-prefix: 'a/../b' is not a key prefix such as ftp or tenants/a (no empty, '.' or '..' segments).")]
    [InlineData("--s3-prefix=a//b", "--s3-prefix: 'a//b' is not a key prefix such as ftp or tenants/a (no empty, '.' or '..' segments).")]
    [InlineData("--s3-access-key=", "--s3-access-key is empty.")]
    [InlineData("--s3-secret-key", "--s3-secret-key needs a value.")]
    [InlineData("--s3-region=x", "Unknown option '--s3-region=x'. Run with --help to see the options.")]
    public async Task Bad_S3_options_are_one_line_like_the_other_options(string argument, string message)
    {
        var error = new StringWriter();
        (await SampleServer.RunAsync([argument], TextWriter.Null, error)).Should().Be(2, "a malformed option is a usage error, as for every option");
        error.ToString().Trim().Should().Be(message);
    }

    [Theory]
    [InlineData("--s3-bucket", "ftp-files", "--s3-endpoint (or Ftp:S3:Endpoint) is not set: serving from S3 needs the S3 endpoint URL.")]
    [InlineData("--s3-endpoint", "http://127.0.0.1:7480", "--s3-bucket (or Ftp:S3:Bucket) is not set: serving from S3 needs the bucket that holds the files.")]
    public async Task An_incomplete_S3_setting_stops_the_start_with_one_line_and_status_1(string option, string value, string message)
    {
        var error = new StringWriter();
        (await SampleServer.RunAsync([option, value, "--port", "0"], TextWriter.Null, error)).Should().Be(1);
        error.ToString().Trim().Should().Be("Cannot start the FTP server: " + message);
    }

    [Fact]
    public async Task S3_and_system_users_are_one_or_the_other()
    {
        var error = new StringWriter();
        (await SampleServer.RunAsync(["--system-users", "--port", "0", "--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "b-1", "--s3-access-key", "AK", "--s3-secret-key", Secret], TextWriter.Null, error)).Should().Be(1);
        error.ToString().Trim().Should().Be("Cannot start the FTP server: --system-users serves the machine's own files: it cannot be combined with --s3-* (or Ftp:S3); choose one.");
    }

    [Fact]
    public void Configuration_fills_what_the_command_line_leaves_out_and_the_command_line_wins()
    {
        var options = SampleOptions.Parse(["--s3-bucket", "from-command-line", "--port", "0"], TextWriter.Null)!;
        using var host = SampleServer.Build(options, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ftp:S3:Endpoint"] = "http://127.0.0.1:1",
            ["Ftp:S3:Bucket"] = "from-configuration",
            ["Ftp:S3:Prefix"] = "fleet",
            ["Ftp:S3:AccessKey"] = "AK",
            ["Ftp:S3:SecretKey"] = Secret,
            ["Ftp:S3:StaleUploadAge"] = "90",
            ["Ftp:S3:PartSize"] = "6291456",
        }));
        options.S3.Bucket.Should().Be("from-command-line");
        options.S3.Prefix.Should().Be("fleet");
        options.S3.SecretKey.Should().Be(Secret);
        options.S3.StaleUploadAge.Should().Be(TimeSpan.FromSeconds(90));
        options.S3.PartSize.Should().Be(6 * 1024 * 1024);
        host.Services.GetRequiredService<IFtpFileSystemProvider>().Should().BeOfType<S3FileSystemProvider>();
    }

    [Theory]
    [InlineData("Ftp:S3:Endpoint", "s3.example.com", "Ftp:S3:Endpoint: 's3.example.com' is not an http:// or https:// URL without a path, such as http://127.0.0.1:7480.")]
    [InlineData("Ftp:S3:StaleUploadAge", "0", "Ftp:S3:StaleUploadAge: '0' is not a positive duration (seconds, or hh:mm:ss).")]
    [InlineData("Ftp:S3:PartSize", "1024", "Ftp:S3:PartSize: '1024' is not a part size in bytes of at least 5242880 (5 MiB).")]
    public void A_malformed_S3_setting_in_configuration_names_the_setting(string key, string value, string message)
    {
        var options = SampleOptions.Parse(["--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "b-1", "--s3-access-key", "AK", "--s3-secret-key", Secret], TextWriter.Null)!;
        if (key == "Ftp:S3:Endpoint")
        {
            options = SampleOptions.Parse(["--s3-bucket", "b-1"], TextWriter.Null)!;
        }

        var build = () => SampleServer.Build(options, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }));
        build.Should().Throw<InvalidOperationException>().WithMessage(message);
    }

    [Fact]
    public async Task Help_lists_the_S3_options()
    {
        var output = new StringWriter();
        (await SampleServer.RunAsync(["--help"], output, TextWriter.Null)).Should().Be(0);
        foreach (var option in new[] { "--s3-endpoint", "--s3-bucket", "--s3-prefix", "--s3-access-key", "--s3-secret-key", "FTP__S3__SECRETKEY" })
        {
            output.ToString().Should().Contain(option);
        }
    }

    [Fact]
    public async Task Keys_from_the_environment_start_the_host_and_the_secret_is_never_printed()
    {
        // The endpoint answers nothing: the start-up sweep of unfinished uploads fails and is logged, and the host serves on.
        var (lines, exitCode) = await RunUntilBannerAsync(
            ["--port", "0", "--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "fleet-files", "--log-level", "Trace"],
            new() { ["FTP__S3__ACCESSKEY"] = "AK", ["FTP__S3__SECRETKEY"] = Secret, ["FTP__S3__PREFIX"] = "tenant" });
        exitCode.Should().BeNull(string.Join('\n', lines));
        lines.Should().Contain(l => l.StartsWith("FTP server listening on 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith(" serving s3://fleet-files/tenant/ at http://127.0.0.1:1/", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains(SweepFailed, StringComparison.Ordinal), "the S3 client was used, with its log at Trace");
        lines.Should().NotContain(l => l.Contains(Secret, StringComparison.Ordinal));

        (_, exitCode) = await RunUntilBannerAsync(["--port", "0", "--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "fleet-files"], new() { ["FTP__S3__ACCESSKEY"] = "AK" });
        exitCode.Should().Be(1);
    }

    /// <summary>Runs the built sample host until its banner ends (then kills it: exit code null) or it exits; every line it wrote.</summary>
    private static async Task<(List<string> Lines, int? ExitCode)> RunUntilBannerAsync(string[] arguments, Dictionary<string, string> environment)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = testOutput;
        while (!File.Exists(Path.Combine(repository.FullName, "Ftp.Embedded.sln")))
        {
            repository = repository.Parent!;
        }

        var dll = Path.Combine(repository.FullName, "samples", "Ftp.Embedded.Samples.Server", "bin", testOutput.Parent!.Name, testOutput.Name, "Ftp.Embedded.Samples.Server.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        arguments.ToList().ForEach(info.ArgumentList.Add);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var lines = new List<string>();
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                lines.Add(line);
                if (lines.Contains("Press Ctrl+C to stop.") && lines.Any(l => l.Contains(SweepFailed, StringComparison.Ordinal)) && !process.HasExited)
                {
                    // The banner and the failed sweep (whose exception the console logger has written) are out.
                    await Task.Delay(50, cts.Token);
                    process.Kill(entireProcessTree: true);
                }
            }

            await process.WaitForExitAsync(cts.Token);
            lines.AddRange((await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            return (lines, lines.Contains("Press Ctrl+C to stop.") ? null : process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
