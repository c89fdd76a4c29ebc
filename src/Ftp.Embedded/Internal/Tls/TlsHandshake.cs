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
    public static async ValueTask<SslStream> AuthenticateAsync(
        ServerContext context, Stream inner, bool dataConnection, X509Certificate2? controlCertificate, CancellationToken first, CancellationToken second = default)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(first, second);
        timeout.CancelAfter(context.Options.Limits.TlsHandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(context.Tls.CreateOptions(dataConnection, controlCertificate), timeout.Token).ConfigureAwait(false);
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
