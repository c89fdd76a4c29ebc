using System.Net.Security;
using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>The server side of one TLS handshake: control connections (implicit FTPS, AUTH TLS) and data connections.</summary>
internal static class TlsHandshake
{
    /// <summary>
    /// Runs the handshake over <paramref name="inner"/> within <see cref="FtpServerLimits.TlsHandshakeTimeout"/> or until
    /// a token fires; counts it in the metrics. On failure <paramref name="inner"/> is disposed with the TLS stream.
    /// </summary>
    public static async ValueTask<SslStream> AuthenticateAsync(
        ServerContext context, Stream inner, bool dataConnection, CancellationToken first, CancellationToken second = default)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(first, second);
        timeout.CancelAfter(context.Options.Limits.TlsHandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(context.Tls.CreateOptions(dataConnection), timeout.Token).ConfigureAwait(false);
            context.Metrics.TlsHandshake(dataConnection, succeeded: true);
            return ssl;
        }
        catch
        {
            context.Metrics.TlsHandshake(dataConnection, succeeded: false);
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
