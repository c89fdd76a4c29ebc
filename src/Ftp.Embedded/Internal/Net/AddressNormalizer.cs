using System.Net;

namespace Ftp.Embedded.Internal.Net;

/// <summary>
/// The one place that turns an IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>) into the IPv4 address it stands for,
/// so that limits, bans, policies and replies compare and print client addresses one way.
/// </summary>
internal static class AddressNormalizer
{
    /// <summary><paramref name="address"/> as IPv4 when it is IPv4-mapped; otherwise unchanged.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary><paramref name="endPoint"/> with its address as IPv4 when it is IPv4-mapped; otherwise the same instance.</summary>
    public static IPEndPoint Normalize(IPEndPoint endPoint)
        => endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
