using System.Collections.Concurrent;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Session;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>
/// The end of the connection pipeline: runs one session per admitted connection and keeps the open ones for the
/// heartbeat and the shutdown.
/// </summary>
internal sealed class SessionManager(ServerContext context)
{
    private readonly ConcurrentDictionary<long, FtpSession> _sessions = new();
    private readonly Lock _gate = new();
    private bool _closing; // once set, a connection that comes through the pipeline late (a slow handshake) gets no session

    public int Count => _sessions.Count;

    /// <summary>The pipeline's last step: the session runs until its connection closes.</summary>
    public async ValueTask RunSessionAsync(FtpConnection connection)
    {
        FtpSession? session = null;
        lock (_gate)
        {
            if (!_closing)
            {
                session = _sessions[connection.Id] = new FtpSession(context, connection);
            }
        }

        if (session is null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _sessions.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>Every second: each session checks its deadlines.</summary>
    public void OnHeartbeat(long now)
    {
        foreach (var session in _sessions.Values)
        {
            session.OnHeartbeat(now);
        }
    }

    /// <summary>Cuts every session now.</summary>
    public void AbortAll(string reason)
    {
        foreach (var session in Close())
        {
            session.Abort(reason);
        }
    }

    /// <summary>
    /// Sends 421 to idle sessions and lets running commands and transfers finish for up to
    /// <see cref="FtpServerLimits.ShutdownTimeout"/> (or until <paramref name="cancellationToken"/> fires), then cuts the rest.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var sessions = Close();
        foreach (var session in sessions)
        {
            session.BeginShutdown();
        }

        var all = Task.WhenAll(sessions.Select(s => s.Completion));
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(context.Options.Limits.ShutdownTimeout);
            try
            {
                await all.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await CutAsync(all).ConfigureAwait(false);
            }
        }

        if (!await CompletesWithinAsync(all, TimeSpan.FromSeconds(10)).ConfigureAwait(false))
        {
            FtpLog.ShutdownIncomplete(context.Logger, _sessions.Count);
        }
    }

    /// <summary>
    /// Past the deadline (or asked to hurry): cut running transfers (426, then 421), and give the sessions a moment to
    /// say so before the connections are dropped.
    /// </summary>
    private async Task CutAsync(Task all)
    {
        var remaining = _sessions.Values.ToArray();
        FtpLog.ShutdownCut(context.Logger, remaining.Length);
        foreach (var session in remaining)
        {
            session.Cut("Server shutting down.");
        }

        if (!await CompletesWithinAsync(all, TimeSpan.FromSeconds(2)).ConfigureAwait(false))
        {
            AbortAll("Server shutting down.");
        }
    }

    /// <summary>Takes no more sessions; returns those open now.</summary>
    private FtpSession[] Close()
    {
        lock (_gate)
        {
            _closing = true;
            return _sessions.Values.ToArray();
        }
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
}
