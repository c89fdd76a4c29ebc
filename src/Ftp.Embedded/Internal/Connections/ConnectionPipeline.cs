using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Proxy;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>What runs between accept and session, in order.</summary>
internal static class ConnectionPipeline
{
    /// <summary>
    /// The PROXY protocol when trusted networks are configured, then admission, then implicit TLS, then <paramref name="session"/>. <paramref name="stopping"/> ends handshakes when
    /// the server stops.
    /// </summary>
    public static ConnectionDelegate Build(ServerContext context, ConnectionDelegate session, CancellationToken stopping)
    {
        var app = session;
        app = new ImplicitTlsMiddleware(app, context, stopping).OnConnectionAsync;
        app = new AdmissionMiddleware(app, context).OnConnectionAsync;
        // PROXY protocol first: it reads the header and sets FtpConnection.RemoteEndPoint to the real client, which
        // admission, the session and every rule then read.
        var trusted = TrustedNetworks.From(context.Options.Proxy.TrustedNetworks);
        if (!trusted.IsEmpty)
        {
            app = new ProxyProtocolMiddleware(app, context, trusted, stopping).OnConnectionAsync;
        }

        return app;
    }
}
