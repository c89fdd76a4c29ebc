using System.Net;
using Ftp.Embedded.Internal.Net;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>
/// One control connection as the transport hands it over: a byte stream, the endpoints, the TLS state and the few
/// socket controls the engine needs. Connection middleware may replace <see cref="Stream"/> (TLS) and
/// <see cref="RemoteEndPoint"/> (the real client behind a proxy) before the session exists.
/// </summary>
internal abstract class FtpConnection : IAsyncDisposable
{
    private IPEndPoint _remoteEndPoint;
    private Action? _protocolEnded;

    protected FtpConnection(Stream stream, IPEndPoint remoteEndPoint, IPEndPoint localEndPoint, bool isImplicitTls)
    {
        Stream = stream;
        _remoteEndPoint = AddressNormalizer.Normalize(remoteEndPoint);
        LocalEndPoint = AddressNormalizer.Normalize(localEndPoint);
        IsImplicitTls = isImplicitTls;
    }

    /// <summary>The connection's number, given by the dispatcher; the session's id.</summary>
    public long Id { get; set; }

    /// <summary>What the session reads and writes: the transport's stream, or TLS over it.</summary>
    public Stream Stream { get; set; }

    /// <summary>The client's address (IPv4-mapped addresses as IPv4): set by the transport, replaceable by middleware.</summary>
    public IPEndPoint RemoteEndPoint
    {
        get => _remoteEndPoint;
        set => _remoteEndPoint = AddressNormalizer.Normalize(value);
    }

    /// <summary>The server's end of the connection.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Whether the connection came in on an implicit-FTPS endpoint: TLS from the first byte.</summary>
    public bool IsImplicitTls { get; }

    /// <summary>Whether <see cref="Stream"/> is encrypted (implicit FTPS or AUTH TLS).</summary>
    public bool IsSecure { get; set; }

    /// <summary>The validated TLS client certificate of an implicit-FTPS handshake, if the client presented one.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Runs <paramref name="callback"/> once when the protocol on this connection is over (see <see cref="EndProtocol"/>).</summary>
    public void OnProtocolEnded(Action callback) => _protocolEnded += callback;

    /// <summary>
    /// Says the protocol is over: what admission took is given back, before the close drains late input. The first
    /// call runs the callbacks; later calls do nothing.
    /// </summary>
    public void EndProtocol() => Interlocked.Exchange(ref _protocolEnded, null)?.Invoke();

    /// <summary>
    /// Set by the session while it waits for a command: a read that completes then may resume the session on the
    /// transport's event thread (<see cref="IoThread"/>). Transports without event threads ignore it.
    /// </summary>
    public virtual bool InlineReads
    {
        set
        {
        }
    }

    /// <summary>Keeps urgent (out-of-band) data in the stream, where the Telnet Synch before ABOR is stripped with the rest.</summary>
    public virtual void EnableOutOfBandInline()
    {
    }

    /// <summary>Ends the sending direction (FIN); reading goes on.</summary>
    public abstract void ShutdownSend();

    /// <summary>Drops the connection now, whatever is unread or unsent.</summary>
    public abstract void Abort();

    /// <summary>Reads and discards what the client still sends, up to <paramref name="maxBytes"/> or <paramref name="timeout"/>; never throws.</summary>
    public abstract ValueTask DrainAsync(int maxBytes, TimeSpan timeout);

    /// <summary>
    /// Closing a socket with unread input makes the kernel send RST, which can destroy the last replies (221 after QUIT
    /// followed by more commands, 421 after too many failed logins) before the client reads them. So: FIN first, then
    /// read and discard what the client still sends, for at most a second and 64 KiB.
    /// </summary>
    public async ValueTask ShutdownAndDrainAsync()
    {
        ShutdownSend();
        await DrainAsync(64 * 1024, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
    }

    /// <summary>Closes the connection and releases its stream; safe to call more than once.</summary>
    public abstract ValueTask DisposeAsync();
}
