using System.Net;
using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>
/// Finds endpoints that would listen on the same port twice: the same address and port listed twice (in
/// <see cref="FtpServerOptions.Endpoints"/>, in <see cref="FtpTlsOptions.ImplicitEndpoints"/> or across both), or a
/// wildcard address (0.0.0.0, [::]) beside another address of its family on the same port. Linux refuses the second
/// bind in both cases and other systems would split connections between the two listeners, so either is reported
/// before anything is bound. Port 0 is never a conflict: each such endpoint gets a port of its own.
/// </summary>
internal static class EndpointConflicts
{
    public static IEnumerable<string> Find(FtpServerOptions options)
    {
        var all = options.Endpoints.Select((e, i) => (Key: $"Ftp:Endpoints:{i}", EndPoint: e))
            .Concat(options.Tls.ImplicitEndpoints.Select((e, i) => (Key: $"Ftp:Tls:ImplicitEndpoints:{i}", EndPoint: e)))
            .Where(e => e.EndPoint is { Port: > 0 })
            .ToList();
        for (var j = 1; j < all.Count; j++)
        {
            var (key, endPoint) = all[j];
            var earlier = all.Take(j).FirstOrDefault(e => e.EndPoint.Port == endPoint.Port && Overlap(e.EndPoint.Address, endPoint.Address));
            if (earlier.Key is null)
            {
                continue;
            }

            yield return earlier.EndPoint.Address.Equals(endPoint.Address)
                ? $"{key} {endPoint} is also {earlier.Key}: a port can be listened on once; remove the duplicate, or give each endpoint its own port."
                : $"{key} {endPoint} overlaps {earlier.Key} {earlier.EndPoint}: a wildcard address listens on every address of its family, so both would bind the same port. Keep one of them, or give them different ports.";
        }
    }

    private static bool Overlap(IPAddress a, IPAddress b)
        => a.AddressFamily == b.AddressFamily && (a.Equals(b) || IsWildcard(a) || IsWildcard(b));

    private static bool IsWildcard(IPAddress address)
        => address.Equals(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
}
