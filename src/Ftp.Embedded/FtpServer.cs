using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ftp.Embedded;

/// <summary>
/// An FTP server: listens on <see cref="FtpServerOptions.Endpoints"/> and runs one asynchronous session per connection.
/// Registered by <c>AddFtpServer</c>, or created without a host by <see cref="Create"/>.
/// </summary>
public sealed class FtpServer : IAsyncDisposable, IDisposable
{
    private readonly ServerContext _context;
    private readonly ConcurrentDictionary<long, FtpSession> _sessions = new();
    private readonly ConcurrentDictionary<IPAddress, int> _sessionsPerIp = new();
    private readonly List<Socket> _listeners = [];
    private readonly HashSet<Socket> _implicitTls = [];
    private readonly List<Task> _acceptLoops = []; // and the background removal of stale uploads
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _heartbeat;
    private long _nextSessionId;
    private readonly Action<FtpSession> _releaseSlot;
    private int _liveSessions; // sessions that count against MaxSessions: from accept until their protocol ends
    private long _heartbeats;
    private int _state; // 0 new, 1 started, 2 stopped

    internal FtpServer(
        FtpServerOptions options,
        IFtpFileSystemProvider fileSystemProvider,
        IReadOnlyList<IFtpAuthenticator> authenticators,
        IFtpDataChannelPolicy dataChannelPolicy,
        FtpServerEvents events,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        IMeterFactory? meterFactory,
        IFtpQuota? quota = null)
    {
        _context = new ServerContext(options, fileSystemProvider, authenticators, dataChannelPolicy, events,
            loggerFactory.CreateLogger("Ftp.Embedded.FtpServer"), timeProvider, new FtpMetrics(meterFactory), quota);
        events.OnHandlerError = ex => FtpLog.EventHandlerFailed(_context.Logger, ex);
        _releaseSlot = session =>
        {
            ReleaseIp(session.Info.RemoteEndPoint.Address);
            Interlocked.Decrement(ref _liveSessions);
        };
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
        return new FtpServer(options, fileSystemProvider, authenticators.ToArray(),
            dataChannelPolicy ?? new DefaultDataChannelPolicy(options), new FtpServerEvents(),
            loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System, null, quota);
    }

    /// <summary>Events to audit or process sessions, logins and transfers.</summary>
    public FtpServerEvents Events => _context.Events;

    /// <summary>
    /// The endpoints the server listens on, with the ports actually bound (useful with port 0): those of
    /// <see cref="FtpServerOptions.Endpoints"/> first, then the implicit-TLS ones of <see cref="FtpTlsOptions.ImplicitEndpoints"/>.
    /// </summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToArray();

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
            foreach (var (endPoint, implicitTls) in _context.Options.Endpoints.Select(e => (e, false))
                         .Concat(_context.Options.Tls.ImplicitEndpoints.Select(e => (e, true))))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var listener = Listeners.Open(endPoint, implicitTls);
                _listeners.Add(listener);
                if (implicitTls)
                {
                    _implicitTls.Add(listener);
                }

                FtpLog.Listening(_context.Logger, (IPEndPoint)listener.LocalEndPoint!);
            }
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

        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(AcceptLoopAsync(listener));
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

        var sessions = _sessions.Values.ToArray();
        foreach (var session in sessions)
        {
            session.BeginShutdown();
        }

        var all = Task.WhenAll(sessions.Select(s => s.Completion));
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(_context.Options.Limits.ShutdownTimeout);
            try
            {
                await all.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Past the deadline (or asked to hurry): cut running transfers (426, then 421), and give the sessions
                // a moment to say so before the connections are dropped.
                var remaining = _sessions.Values.ToArray();
                FtpLog.ShutdownCut(_context.Logger, remaining.Length);
                foreach (var session in remaining)
                {
                    session.Cut("Server shutting down.");
                }

                if (!await CompletesWithinAsync(all, TimeSpan.FromSeconds(2)).ConfigureAwait(false))
                {
                    foreach (var session in _sessions.Values)
                    {
                        session.Abort("Server shutting down.");
                    }
                }
            }
        }

        if (!await CompletesWithinAsync(all, TimeSpan.FromSeconds(10)).ConfigureAwait(false))
        {
            FtpLog.ShutdownIncomplete(_context.Logger, _sessions.Count);
        }

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

            foreach (var session in _sessions.Values)
            {
                session.Abort("Server stopped.");
            }

            // What is queued is written; transfers that the abort ends after this are not logged.
            _context.CloseTransferLogAsync().GetAwaiter().GetResult();
        }

        _heartbeat?.Dispose();
        _stopping.Dispose();
        _context.Metrics.Dispose();
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                FtpLog.AcceptFailed(_context.Logger, ex);
                continue;
            }

            Accept(socket, _implicitTls.Contains(listener));
        }
    }

    private void Accept(Socket socket, bool implicitTls)
    {
        var id = Interlocked.Increment(ref _nextSessionId);
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var ip = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var limits = _context.Options.Limits;
        if (_context.Bans.IsBanned(ip))
        {
            _context.Metrics.SessionRefused(RefusalReason.Banned);
            FtpLog.SessionRefused(_context.Logger, remote, "address banned for failed logins");
            _ = FtpSession.RefuseAsync(socket, "Too many failed logins from your address; try again later.");
            return;
        }

        var perIp = _sessionsPerIp.AddOrUpdate(ip, 1, static (_, n) => n + 1);
        if (Volatile.Read(ref _liveSessions) >= limits.MaxSessions || perIp > limits.MaxSessionsPerIp)
        {
            ReleaseIp(ip);
            _context.Metrics.SessionRefused(perIp > limits.MaxSessionsPerIp ? RefusalReason.MaxSessionsPerIp : RefusalReason.MaxSessions);
            FtpLog.SessionRefused(_context.Logger, remote, perIp > limits.MaxSessionsPerIp ? "too many sessions from this address" : "too many sessions");
            _ = FtpSession.RefuseAsync(socket, perIp > limits.MaxSessionsPerIp
                ? "Too many connections from your address, try again later."
                : "Too many users, try again later.");
            return;
        }

        Interlocked.Increment(ref _liveSessions);
        // The slot is given back when the session's protocol ends, before the close drains late client input, so a
        // client that reconnects right after QUIT is not refused for a session that is only finishing its close.
        var session = new FtpSession(_context, socket, id, implicitTls, _releaseSlot);
        _sessions[id] = session;
        _ = RunSessionAsync(session);
    }

    private async Task RunSessionAsync(FtpSession session)
    {
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            session.ReleaseSlot();
            _sessions.TryRemove(session.Info.Id, out _);
        }
    }

    private void ReleaseIp(IPAddress ip)
    {
        while (_sessionsPerIp.TryGetValue(ip, out var n))
        {
            if (n <= 1)
            {
                if (_sessionsPerIp.TryRemove(new KeyValuePair<IPAddress, int>(ip, n)))
                {
                    return;
                }
            }
            else if (_sessionsPerIp.TryUpdate(ip, n - 1, n))
            {
                return;
            }
        }
    }

    private void OnHeartbeat()
    {
        var now = _context.TimeProvider.GetTimestamp();
        foreach (var session in _sessions.Values)
        {
            session.OnHeartbeat(now);
        }

        if (_context.Bans.Enabled && ++_heartbeats % 60 == 0)
        {
            _context.Bans.Prune();
        }
    }
}
