using System.Net;
using Ftp.Embedded.Internal.Net;

namespace Ftp.Embedded.Internal.Proxy;

/// <summary>The networks a PROXY protocol header is accepted from (<see cref="FtpProxyOptions.TrustedNetworks"/>).</summary>
internal sealed class TrustedNetworks
{
    private readonly IPNetwork[] _networks;

    private TrustedNetworks(IPNetwork[] networks) => _networks = networks;

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>Parses the option's entries; entries that do not parse are skipped (start-up validation reports them).</summary>
    public static TrustedNetworks From(IEnumerable<string> entries)
        => new([.. entries.Select(e => TryParse(e, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()]);

    public bool Contains(IPAddress address)
    {
        address = AddressNormalizer.Normalize(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A CIDR (<c>10.0.0.0/8</c>) or a single address; IPv4-mapped IPv6 networks become IPv4 ones.</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (!text.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(text, out var address) || text.Contains('%', StringComparison.Ordinal))
            {
                return false;
            }

            address = AddressNormalizer.Normalize(address);
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        if (!IPNetwork.TryParse(text, out network))
        {
            return false;
        }

        if (network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96)
        {
            network = new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
        }

        return true;
    }
}
