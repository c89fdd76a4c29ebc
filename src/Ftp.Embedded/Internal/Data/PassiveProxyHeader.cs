using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Proxy;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// The PROXY protocol on passive data connections (<see cref="FtpProxyOptions"/>): a connection from a trusted proxy
/// must start with a header, read with the control connection's limits and <see cref="FtpProxyOptions.HeaderTimeout"/>;
/// its source address is then the peer for the passive peer check and the logs. A missing, late, malformed or oversized
/// header, and a v2 LOCAL, refuse the data connection (the transfer gets 425, the session goes on). A peer outside the
/// trusted networks is never read for a header.
/// </summary>
internal sealed class PassiveProxyHeader(TrustedNetworks trusted, TimeSpan timeout, TimeProvider time)
{
    /// <summary>The reader for the server's trusted proxies, or <see langword="null"/> when none are configured.</summary>
    public static PassiveProxyHeader? For(ServerContext context)
        => context.TrustedProxies.IsEmpty ? null : new(context.TrustedProxies, context.Options.Proxy.HeaderTimeout, context.TimeProvider);

    public bool IsTrusted(IPEndPoint peer) => trusted.Contains(peer.Address);

    /// <summary>
    /// Reads the header a trusted proxy sent first on <paramref name="socket"/>: the client it names (the proxy's own
    /// address for v1 UNKNOWN and an unspecified v2 family, as for control connections) and the bytes that followed it.
    /// Throws a <see cref="SocketException"/> (connection refused) after logging why when the header is refused.
    /// </summary>
    public async ValueTask<(IPEndPoint Client, ReadOnlyMemory<byte> Leftover)> ReadAsync(
        Socket socket, IPEndPoint peer, DataChannelContext context, CancellationToken cancellationToken)
    {
        ProxyHeaderResult header;
        ReadOnlyMemory<byte> leftover;
        await using (var stream = new NetworkStream(socket, ownsSocket: false))
        {
            (header, leftover) = await ProxyHeaderReader.ReadAsync(stream, timeout, time, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var refusal = header.Status != ProxyHeaderStatus.Complete ? header.Error ?? "no header"
            : header.Kind == ProxyHeaderKind.Local ? "a LOCAL header, no client behind it"
            : null;
        if (refusal is not null)
        {
            FtpLog.ProxyDataHeaderRefused(context.Logger, context.Session.Id, peer, refusal);
            throw new SocketException((int)SocketError.ConnectionRefused);
        }

        var client = header.Source ?? peer;
        FtpLog.ProxiedDataConnection(context.Logger, context.Session.Id, peer, client);
        return (client, leftover);
    }
}
