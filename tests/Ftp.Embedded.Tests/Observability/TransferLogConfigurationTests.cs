using Ftp.Embedded.Internal.Configuration;
using Microsoft.Extensions.Configuration;

namespace Ftp.Embedded.Tests.Observability;

public class TransferLogConfigurationTests
{
    private static FtpServerOptions Bind(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Ftp:TransferLogPath"] = value }).Build();
        var options = new FtpServerOptions();
        new FtpConfigurationSetup(configuration).Configure(options);
        return options;
    }

    [Fact]
    public void TransferLogPath_is_bound_and_off_by_default()
    {
        new FtpServerOptions().TransferLogPath.Should().BeNull();
        Bind("/var/log/ftp/xferlog").TransferLogPath.Should().Be("/var/log/ftp/xferlog");
        Bind("").TransferLogPath.Should().BeNull("an empty value turns the log off");
    }

    [Fact]
    public void A_transfer_log_path_is_validated()
    {
        var directory = Path.GetTempPath();
        var missing = Path.Combine(directory, "ftp-no-such-dir-" + Guid.NewGuid().ToString("N"));

        Validate(Path.Combine(directory, "xferlog")).Should().BeEmpty();
        Validate(null).Should().BeEmpty();
        Validate(Path.Combine(missing, "xferlog")).Should().ContainSingle().Which.Should()
            .Be($"Ftp:TransferLogPath '{Path.Combine(missing, "xferlog")}' is in a directory that does not exist ('{missing}'): create the directory or give another path.");
        Validate(directory).Should().ContainSingle().Which.Should().Contain("is a directory");
    }

    private static IEnumerable<string> Validate(string? path)
    {
        var options = new FtpServerOptions { TransferLogPath = path };
        options.Endpoints.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return new FtpServerOptionsValidator().Validate(null, options).Failures ?? [];
    }
}
