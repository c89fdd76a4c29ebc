using System.Net;
using Ftp.Embedded.Internal.Connections;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Transport;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded;

/// <summary>
/// An FTP server: listens on <see cref="FtpServerOptions.Endpoints"/> and runs one asynchronous session per connection.
/// Registered by <c>AddFtpServer</c>, or created without a host by <see cref="Create"/>.
/// </summary>
public sealed class FtpServer : IAsyncDisposable, IDisposable
{
    private readonly ServerContext _context;
    private readonly SessionManager _sessions;
    private readonly IReadOnlyList<IConnectionListener>? _givenListeners;
    private readonly List<IConnectionListener> _listeners = [];
    private readonly List<Task> _acceptLoops = []; // and the background removal of stale uploads
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _heartbeat;
    private long _heartbeats;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <param name="services">What the server is built from.</param>
    /// <param name="listeners">
    /// Where connections come from instead of the sockets of the configured endpoints (the in-memory transport); the
    /// server disposes them when it stops.
    /// </param>
    internal FtpServer(ServerServices services, IReadOnlyList<IConnectionListener>? listeners = null)
    {
        _context = new ServerContext(services);
        _sessions = new SessionManager(_context);
        _givenListeners = listeners;
        services.Events.OnHandlerError = ex => FtpLog.EventHandlerFailed(_context.Logger, ex);
    }

    /// <summary>Creates a server without a host, for tests and small programs. Start it with <see cref="StartAsync"/>.</summary>
    /// <param name="options">The settings; validated by <see cref="StartAsync"/>.</param>
    /// <param name="fileSystemProvider">What users see, for example <see cref="InMemoryFileSystemProvider"/>.</param>
    /// <param name="authenticators">Who may log in, asked in order.</param>
    /// <param name="dataChannelPolicy">How data connections may be made; <see langword="null"/>: the secure default.</param>
    /// <param name="loggerFactory">Where logs go; <see langword="null"/>: nowhere.</param>
    /// <param name="timeProvider">The clock for timeouts; <see langword="null"/>: the system clock.</param>
    /// <param name="quota">Per-user upload quotas; <see langword="null"/>: none.</param>
    /// <returns>A server that is not started yet.</returns>
    public static FtpServer Create(
        FtpServerOptions options,
        IFtpFileSystemProvider fileSystemProvider,
        IEnumerable<IFtpAuthenticator> authenticators,
        IFtpDataChannelPolicy? dataChannelPolicy = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IFtpQuota? quota = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileSystemProvider);
        ArgumentNullException.ThrowIfNull(authenticators);
        return new FtpServer(new ServerServices(options, fileSystemProvider, authenticators.ToArray(),
            dataChannelPolicy ?? new DefaultDataChannelPolicy(options))
        {
            LoggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            TimeProvider = timeProvider ?? TimeProvider.System,
            Quota = quota,
        });
    }

    /// <summary>Events to audit or process sessions, logins and transfers.</summary>
    public FtpServerEvents Events => _context.Events;

    /// <summary>
    /// The endpoints the server listens on, with the ports actually bound (useful with port 0): those of
    /// <see cref="FtpServerOptions.Endpoints"/> first, then the implicit-TLS ones of <see cref="FtpTlsOptions.ImplicitEndpoints"/>.
    /// </summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _listeners.Select(l => l.EndPoint).ToArray();

    /// <summary>The number of open sessions.</summary>
    public int ActiveSessions => _sessions.Count;

    /// <summary>Binds the endpoints and starts accepting connections.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">
    /// The options are invalid (the same endpoint listed twice among them), a local user has an anonymous name, or the TLS
    /// certificate cannot be used (wrong password, no private key, expired, not valid yet, not for servers). The message
    /// names the setting and says what to fix.
    /// </exception>
    /// <exception cref="IOException">
    /// An endpoint cannot be bound, for example <c>Failed to bind to 127.0.0.1:21: address already in use. …</c>: a port
    /// that another process listens on is never shared.
    /// </exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The FTP server was started already; create a new one to start again.");
        }

        Internal.Configuration.StartupValidation.Validate(_context);
        _context.OpenTransferLog();
        try
        {
            OpenListeners(cancellationToken);
        }
        catch
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }

            _listeners.Clear();
            _context.CloseTransferLogAsync().GetAwaiter().GetResult();
            throw;
        }

        var pipeline = ConnectionPipeline.Build(_context, _sessions.RunSessionAsync, _stopping.Token);
        var dispatcher = new ConnectionDispatcher(pipeline, _context.Logger, _stopping.Token);
        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(dispatcher.AcceptConnectionsAsync(listener));
        }

        _acceptLoops.Add(Internal.FileSystems.StaleUploads.RemoveAsync(_context, _stopping.Token));
        _heartbeat = _context.TimeProvider.CreateTimer(_ => OnHeartbeat(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting connections, sends 421 to idle sessions, lets running commands and transfers finish for up to
    /// <see cref="FtpServerLimits.ShutdownTimeout"/> (or until <paramref name="cancellationToken"/> fires), then cuts the rest.
    /// </summary>
    /// <param name="cancellationToken">Cuts the graceful wait short.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        _heartbeat?.Dispose();

        await _sessions.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        await _context.CloseTransferLogAsync().ConfigureAwait(false);
        _context.PassivePorts.Dispose();
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>) and releases its resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == 1)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _heartbeat?.Dispose();
        _stopping.Dispose();
        _context.Metrics.Dispose();
    }

    /// <summary>
    /// Stops at once without the graceful wait: listeners close, running transfers end with 426 and sessions are cut.
    /// Prefer <see cref="StopAsync"/> or <see cref="DisposeAsync"/>, which let transfers finish.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, 2) == 1)
        {
            _stopping.Cancel();
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }

            _sessions.AbortAll("Server stopped.");

            // What is queued is written; transfers that the abort ends after this are not logged.
            _context.CloseTransferLogAsync().GetAwaiter().GetResult();
        }

        _heartbeat?.Dispose();
        _stopping.Dispose();
        _context.Metrics.Dispose();
    }

    /// <summary>The given listeners, or a socket bound for each configured endpoint (the implicit-TLS ones after).</summary>
    private void OpenListeners(CancellationToken cancellationToken)
    {
        if (_givenListeners is not null)
        {
            _listeners.AddRange(_givenListeners);
            return;
        }

        foreach (var (endPoint, implicitTls) in _context.Options.Endpoints.Select(e => (e, false))
                     .Concat(_context.Options.Tls.ImplicitEndpoints.Select(e => (e, true))))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var listener = SocketConnectionListener.Bind(endPoint, implicitTls);
            _listeners.Add(listener);
            FtpLog.Listening(_context.Logger, listener.EndPoint);
        }
    }

    private void OnHeartbeat()
    {
        var now = _context.TimeProvider.GetTimestamp();
        _sessions.OnHeartbeat(now);

        if (_context.Bans.Enabled && ++_heartbeats % 60 == 0)
        {
            _context.Bans.Prune();
        }
    }
}
