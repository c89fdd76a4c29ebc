using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>
/// A listener without sockets, for tests, fuzzing and benchmarks: <see cref="ConnectAsync"/> opens a connection and
/// gives the client its end as a <see cref="Stream"/>; the server accepts the other end. Both ends are
/// System.IO.Pipelines pipes.
/// </summary>
internal sealed class InMemoryConnectionListener : IConnectionListener
{
    private readonly Channel<FtpConnection> _pending = Channel.CreateUnbounded<FtpConnection>(new UnboundedChannelOptions { SingleReader = true });
    private readonly bool _implicitTls;
    private int _nextPort = 40000;

    /// <param name="endPoint">What the server's end reports as its local endpoint; 127.0.0.1:21 when not given.</param>
    /// <param name="implicitTls">Whether connections start with a TLS handshake, as on an implicit-FTPS endpoint.</param>
    public InMemoryConnectionListener(IPEndPoint? endPoint = null, bool implicitTls = false)
    {
        EndPoint = endPoint ?? new IPEndPoint(IPAddress.Loopback, 21);
        _implicitTls = implicitTls;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Opens a connection. The server sees it coming from <paramref name="remoteEndPoint"/> (by default 127.0.0.1 and a
    /// port of its own) and arriving at <paramref name="localEndPoint"/> (by default <see cref="EndPoint"/>).
    /// </summary>
    /// <returns>The client's end; disposing it closes the client's side.</returns>
    /// <exception cref="IOException">The listener is closed.</exception>
    public Stream Connect(IPEndPoint? remoteEndPoint = null, IPEndPoint? localEndPoint = null)
    {
        var options = new PipeOptions(useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        var connection = new InMemoryConnection(toServer, toClient,
            remoteEndPoint ?? new IPEndPoint(IPAddress.Loopback, Interlocked.Increment(ref _nextPort)),
            localEndPoint ?? EndPoint, _implicitTls);
        if (!_pending.Writer.TryWrite(connection))
        {
            throw new IOException("Connection refused: the listener is closed.");
        }

        return connection.ClientStream;
    }

    /// <summary><see cref="Connect"/>, for callers that await.</summary>
    public ValueTask<Stream> ConnectAsync(IPEndPoint? remoteEndPoint = null, IPEndPoint? localEndPoint = null)
        => ValueTask.FromResult(Connect(remoteEndPoint, localEndPoint));

    public async ValueTask<FtpConnection?> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_pending.Writer.TryComplete())
        {
            while (_pending.Reader.TryRead(out var unaccepted))
            {
                unaccepted.Abort();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The server's end of an in-memory connection.</summary>
    private sealed class InMemoryConnection : FtpConnection
    {
        private readonly CancellationTokenSource _aborted;
        private readonly DuplexPipeStream _serverStream;
        private int _disposed;

        public InMemoryConnection(Pipe toServer, Pipe toClient, IPEndPoint remote, IPEndPoint local, bool implicitTls)
            : this(new CancellationTokenSource(), toServer, toClient, remote, local, implicitTls)
        {
        }

        private InMemoryConnection(CancellationTokenSource aborted, Pipe toServer, Pipe toClient, IPEndPoint remote, IPEndPoint local, bool implicitTls)
            : base(new DuplexPipeStream(toServer.Reader, toClient.Writer, aborted.Token), remote, local, implicitTls)
        {
            _aborted = aborted;
            _serverStream = (DuplexPipeStream)Stream;
            ClientStream = new DuplexPipeStream(toClient.Reader, toServer.Writer, aborted.Token);
        }

        public Stream ClientStream { get; }

        public override void ShutdownSend() => _serverStream.CompleteOutput();

        public override void Abort()
        {
            try
            {
                _aborted.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public override async ValueTask DrainAsync(int maxBytes, TimeSpan timeout)
        {
            try
            {
                using var cts = new CancellationTokenSource(timeout);
                await _serverStream.DrainAsync(maxBytes, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await Stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
            }

            await _serverStream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
