using System.Net;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>Produces control connections: the socket transport, or the in-memory one.</summary>
internal interface IConnectionListener : IAsyncDisposable, IDisposable
{
    /// <summary>The endpoint listened on, with the port actually bound.</summary>
    IPEndPoint EndPoint { get; }

    /// <summary>Waits for the next connection; <see langword="null"/> once the listener is closed.</summary>
    /// <exception cref="IOException">Accepting one connection failed; the listener goes on.</exception>
    ValueTask<FtpConnection?> AcceptAsync(CancellationToken cancellationToken);
}
