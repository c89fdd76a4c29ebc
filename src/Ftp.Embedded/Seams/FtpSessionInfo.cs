using System.Net;

namespace Ftp.Embedded;

/// <summary>What the application may know of a session.</summary>
public sealed class FtpSessionInfo
{
    /// <summary>Creates a session description.</summary>
    /// <param name="id">A server-unique id.</param>
    /// <param name="remoteEndPoint">The client's end of the control connection.</param>
    /// <param name="localEndPoint">The server's end of the control connection.</param>
    public FtpSessionInfo(long id, IPEndPoint remoteEndPoint, IPEndPoint localEndPoint)
    {
        Id = id;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>A server-unique id of the session.</summary>
    public long Id { get; }

    /// <summary>The client's end of the control connection.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The server's end of the control connection.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The virtual host named with HOST (RFC 7151), if any.</summary>
    public string? Host { get; internal set; }

    /// <summary>The logged-in user, or <see langword="null"/> before login.</summary>
    public FtpUser? User { get; internal set; }

    /// <summary>
    /// The client certificate the control connection's TLS handshake presented and the server validated
    /// (<see cref="FtpTlsOptions.ClientCertificates"/>), or <see langword="null"/>.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"#{Id} {RemoteEndPoint}";
}
