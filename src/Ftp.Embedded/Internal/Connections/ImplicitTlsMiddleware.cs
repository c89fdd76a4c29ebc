using System.Security.Authentication;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Tls;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>
/// Implicit FTPS: on a connection from an implicit endpoint the TLS handshake runs first, within the TLS handshake
/// timeout; the session then starts secure. A failed handshake closes the connection without a session.
/// </summary>
internal sealed class ImplicitTlsMiddleware(ConnectionDelegate next, ServerContext context, CancellationToken stopping)
{
    public async ValueTask OnConnectionAsync(FtpConnection connection)
    {
        if (!connection.IsImplicitTls)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        await IoThread.LeaveAsync(); // The handshake's signature and key exchange take CPU: not on an event thread.
        try
        {
            var ssl = await TlsHandshake.AuthenticateAsync(context, connection.Stream, dataConnection: false, controlCertificate: null, stopping).ConfigureAwait(false);
            connection.Stream = ssl;
            connection.ClientCertificate = TlsHandshake.ClientCertificateOf(ssl);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // As a session closes: FIN, then what the client still sends is read away, so the close is not a reset.
            await connection.ShutdownAndDrainAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        connection.IsSecure = true;
        await next(connection).ConfigureAwait(false);
    }
}
