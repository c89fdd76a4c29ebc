using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Proxy;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>
/// The PROXY protocol (<see cref="FtpProxyOptions"/>): a connection from a trusted network must start with a v1 or v2
/// header, read within <see cref="FtpProxyOptions.HeaderTimeout"/>; the client address it carries becomes
/// <see cref="FtpConnection.RemoteEndPoint"/> before admission and the session see the connection, and what followed
/// the header in the same read is handed on to the session. v2 LOCAL (a health check) is closed quietly; a missing,
/// malformed or oversized header closes the connection without a session. A peer outside the trusted networks is
/// never asked for a header: it is served as it is, or refused when <see cref="FtpProxyOptions.Required"/>.
/// </summary>
internal sealed class ProxyProtocolMiddleware(ConnectionDelegate next, ServerContext context, TrustedNetworks trusted, CancellationToken stopping)
{
    public async ValueTask OnConnectionAsync(FtpConnection connection)
    {
        var peer = connection.RemoteEndPoint;
        if (!trusted.Contains(peer.Address))
        {
            if (!context.Options.Proxy.Required)
            {
                await next(connection).ConfigureAwait(false);
                return;
            }

            context.Metrics.SessionRefused(RefusalReason.ProxyUntrusted);
            FtpLog.SessionRefused(context.Logger, peer, "not from a trusted proxy (Ftp:Proxy:Required)");
            await CloseAsync(connection).ConfigureAwait(false);
            return;
        }

        var (header, rest) = await ProxyHeaderReader.ReadAsync(connection.Stream, context.Options.Proxy.HeaderTimeout, context.TimeProvider, stopping)
            .ConfigureAwait(false);
        if (header.Status != ProxyHeaderStatus.Complete)
        {
            context.Metrics.SessionRefused(RefusalReason.ProxyHeader);
            FtpLog.ProxyHeaderRefused(context.Logger, peer, header.Error ?? "no header");
            await CloseAsync(connection).ConfigureAwait(false);
            return;
        }

        if (header.Kind == ProxyHeaderKind.Local)
        {
            FtpLog.ProxyLocal(context.Logger, peer);
            await CloseAsync(connection).ConfigureAwait(false);
            return;
        }

        if (header.Source is { } client)
        {
            connection.RemoteEndPoint = client;
            FtpLog.ProxiedConnection(context.Logger, peer, connection.RemoteEndPoint);
        }

        if (!rest.IsEmpty)
        {
            connection.Stream = new PrefixedStream(connection.Stream, rest);
        }

        await next(connection).ConfigureAwait(false);
    }

    /// <summary>As a session closes: FIN, then what the peer still sends is read away, so the close is not a reset.</summary>
    private static async ValueTask CloseAsync(FtpConnection connection)
    {
        await connection.ShutdownAndDrainAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
