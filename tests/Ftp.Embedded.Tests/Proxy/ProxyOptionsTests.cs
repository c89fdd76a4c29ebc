using System.Net;
using Ftp.Embedded.Internal.Configuration;
using Ftp.Embedded.Internal.Proxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Proxy;

public class ProxyOptionsTests
{
    private static FtpServerOptions Options(params string[] trusted)
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var network in trusted)
        {
            options.Proxy.TrustedNetworks.Add(network);
        }

        return options;
    }

    private static IEnumerable<string> Failures(FtpServerOptions options)
        => new FtpServerOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Defaults_leave_the_PROXY_protocol_off()
    {
        var proxy = new FtpServerOptions().Proxy;
        proxy.TrustedNetworks.Should().BeEmpty();
        proxy.HeaderTimeout.Should().Be(TimeSpan.FromSeconds(5));
        proxy.Required.Should().BeFalse();
    }

    [Fact]
    public void Binds_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ftp:Endpoints:0"] = "127.0.0.1:0",
            ["Ftp:Proxy:TrustedNetworks:0"] = "10.0.0.0/8",
            ["Ftp:Proxy:TrustedNetworks:1"] = "fd00::/8",
            ["Ftp:Proxy:HeaderTimeout"] = "2",
            ["Ftp:Proxy:Required"] = "true",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddFtpServer();
        var proxy = services.BuildServiceProvider().GetRequiredService<IOptions<FtpServerOptions>>().Value.Proxy;
        proxy.TrustedNetworks.Should().Equal("10.0.0.0/8", "fd00::/8");
        proxy.HeaderTimeout.Should().Be(TimeSpan.FromSeconds(2));
        proxy.Required.Should().BeTrue();
    }

    [Fact]
    public void Entries_that_are_not_networks_are_reported_with_their_key()
    {
        Failures(Options("10.0.0.0/8", "192.0.2.10", "::ffff:10.0.0.0/104", "fd00::/8")).Should().BeEmpty();
        Failures(Options("10.0.0.0/8", "haproxy", "10.0.0.0/33", "fe80::1%eth0")).Should().Equal(
            "Ftp:Proxy:TrustedNetworks:1 'haproxy' is not an address or network: give a CIDR such as \"10.0.0.0/8\" or \"fd00::/8\", or one address such as \"192.0.2.10\".",
            "Ftp:Proxy:TrustedNetworks:2 '10.0.0.0/33' is not an address or network: give a CIDR such as \"10.0.0.0/8\" or \"fd00::/8\", or one address such as \"192.0.2.10\".",
            "Ftp:Proxy:TrustedNetworks:3 'fe80::1%eth0' is not an address or network: give a CIDR such as \"10.0.0.0/8\" or \"fd00::/8\", or one address such as \"192.0.2.10\".");
    }

    [Fact]
    public void Required_without_trusted_networks_is_reported()
    {
        var options = Options();
        options.Proxy.Required = true;
        Failures(options).Should().ContainSingle().Which.Should().StartWith("Ftp:Proxy:Required is set but Ftp:Proxy:TrustedNetworks is empty");
    }

    [Fact]
    public void A_header_timeout_of_zero_is_refused()
    {
        var set = () => new FtpProxyOptions().HeaderTimeout = TimeSpan.Zero;
        set.Should().Throw<ArgumentOutOfRangeException>().WithMessage("FtpProxyOptions.HeaderTimeout must be more than zero and at most 10 minutes.*");
    }

    [Theory]
    [InlineData("10.0.0.0/24", "10.0.0.255", true)]
    [InlineData("10.0.0.0/24", "10.0.1.0", false)]
    [InlineData("10.0.0.0/24", "::ffff:10.0.0.7", true)]
    [InlineData("::ffff:10.0.0.0/120", "10.0.0.7", true)]
    [InlineData("192.0.2.10", "192.0.2.10", true)]
    [InlineData("192.0.2.10", "192.0.2.11", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "10.0.0.1", false)]
    [InlineData("10.0.0.0/8", "fd00::1", false)]
    public void Trusted_networks_match_addresses_with_IPv4_mapped_ones_as_IPv4(string network, string address, bool trusted)
    {
        TrustedNetworks.From([network]).Contains(IPAddress.Parse(address)).Should().Be(trusted);
    }
}
