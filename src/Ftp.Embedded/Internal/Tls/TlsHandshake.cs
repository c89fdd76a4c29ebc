using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>The server side of one TLS handshake: control connections (implicit FTPS, AUTH TLS) and data connections.</summary>
internal static class TlsHandshake
{
    /// <summary>
    /// Runs the handshake over <paramref name="inner"/> within <see cref="FtpServerLimits.TlsHandshakeTimeout"/> or until
    /// a token fires; counts it in the metrics. <paramref name="controlCertificate"/>: for a data connection, the control
    /// connection's client certificate, the only one the data connection may present. On failure <paramref name="inner"/> is disposed with the TLS stream.
    /// </summary>
    public static ValueTask<SslStream> AuthenticateAsync(
        ServerContext context, Stream inner, bool dataConnection, X509Certificate2? controlCertificate, CancellationToken first, CancellationToken second = default)
        => RunAsync(context, inner, dataConnection, download: false, controlCertificate, first, second);

    /// <summary>
    /// As <see cref="AuthenticateAsync"/> for a data connection; <paramref name="download"/>: the server only sends on it.
    /// A download takes TLS 1.3 when the client offers a TLS 1.3 session to resume (the control connection's, usually),
    /// and TLS 1.2 otherwise, whose abbreviated handshake is the cheapest when the client resumes the previous data
    /// connection's session (see <see cref="TlsContext.CreateOptions"/>).
    /// </summary>
    public static ValueTask<SslStream> AuthenticateDataAsync(
        ServerContext context, Stream inner, bool download, X509Certificate2? controlCertificate, CancellationToken first, CancellationToken second)
        => RunAsync(context, inner, dataConnection: true, download, controlCertificate, first, second);

    private static async ValueTask<SslStream> RunAsync(
        ServerContext context, Stream inner, bool dataConnection, bool download, X509Certificate2? controlCertificate, CancellationToken first, CancellationToken second)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(first, second);
        timeout.CancelAfter(context.Options.Limits.TlsHandshakeTimeout);
        if (download)
        {
            try
            {
                var (record, offersTls13Session) = await ClientHelloPeek.ReadAsync(inner, timeout.Token).ConfigureAwait(false);
                inner = new Proxy.PrefixedStream(inner, record);
                download = offersTls13Session;
            }
            catch
            {
                context.Metrics.TlsHandshake(dataConnection, succeeded: false);
                await inner.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(context.Tls.CreateOptions(dataConnection, controlCertificate, download), timeout.Token).ConfigureAwait(false);
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

    /// <summary>The validated client certificate of a finished control handshake (a copy the session owns), or <see langword="null"/>.</summary>
    public static X509Certificate2? ClientCertificateOf(SslStream ssl)
        => ssl.RemoteCertificate is { } certificate ? ClientCertificatePolicy.Copy(certificate) : null;
}
