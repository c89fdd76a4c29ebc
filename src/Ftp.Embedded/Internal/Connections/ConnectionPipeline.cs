using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>What runs between accept and session, in order.</summary>
internal static class ConnectionPipeline
{
    /// <summary>
    /// Admission, then implicit TLS, then <paramref name="session"/>. <paramref name="stopping"/> ends handshakes when
    /// the server stops.
    /// </summary>
    public static ConnectionDelegate Build(ServerContext context, ConnectionDelegate session, CancellationToken stopping)
    {
        var app = session;
        app = new ImplicitTlsMiddleware(app, context, stopping).OnConnectionAsync;
        app = new AdmissionMiddleware(app, context).OnConnectionAsync;
        // PROXY protocol goes here, first: it reads the header and sets FtpConnection.RemoteEndPoint to the real
        // client, which admission, the session and every rule then read.
        return app;
    }
}
