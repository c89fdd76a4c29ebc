using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Session;

/// <summary>What the heartbeat found past its deadline.</summary>
internal enum TimeoutVerdict
{
    None,
    /// <summary>The client stopped reading its replies: cut without a word.</summary>
    ReplyNotRead,
    /// <summary>Not logged in within the login timeout while a command runs: cut.</summary>
    LoginTimeoutDuringCommand,
    /// <summary>Not logged in within the login timeout: 421 and close.</summary>
    LoginTimeout,
    /// <summary>A transfer runs: its own connect and stall deadlines apply.</summary>
    TransferRunning,
    /// <summary>A command made no progress for the idle and stall timeouts together: cut.</summary>
    CommandStuck,
    /// <summary>No command for the idle timeout: 421 and close.</summary>
    Idle,
}

/// <summary>
/// The session's deadlines (login, idle, reply, command), measured from timestamps the session keeps up to date and
/// checked by the server's one-second heartbeat rather than a timer per read.
/// </summary>
internal sealed class SessionTimeouts
{
    private readonly ServerContext _context;
    private long _lastActivity;
    private volatile bool _executing;

    public SessionTimeouts(ServerContext context)
    {
        _context = context;
        StartedAt = _lastActivity = context.TimeProvider.GetTimestamp();
    }

    public long StartedAt { get; }

    /// <summary>Whether a command is being executed.</summary>
    public bool Executing => _executing;

    /// <summary>Something happened on the control connection: the idle clock starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _context.TimeProvider.GetTimestamp());

    public void CommandStarted()
    {
        Touch();
        _executing = true;
    }

    public void CommandEnded()
    {
        _executing = false;
        Touch();
    }

    /// <summary>
    /// Checks the deadlines at <paramref name="now"/>: a reply flush waiting since <paramref name="flushStartedAt"/> (0: none)
    /// first; nothing else once the session is <paramref name="closing"/>; then the login, a running transfer, a stuck
    /// command and the idle timeout.
    /// </summary>
    public TimeoutVerdict Check(long now, long flushStartedAt, bool closing, bool loggedIn, bool transferRunning)
    {
        var limits = _context.Options.Limits;
        var time = _context.TimeProvider;
        if (flushStartedAt != 0 && time.GetElapsedTime(flushStartedAt, now) >= limits.ReplyTimeout)
        {
            return TimeoutVerdict.ReplyNotRead;
        }

        if (closing)
        {
            return TimeoutVerdict.None;
        }

        if (!loggedIn && time.GetElapsedTime(StartedAt, now) >= limits.LoginTimeout)
        {
            // Also while a command runs: a hanging authenticator or a TLS handshake cannot stretch the login window.
            return _executing ? TimeoutVerdict.LoginTimeoutDuringCommand : TimeoutVerdict.LoginTimeout;
        }

        if (transferRunning)
        {
            return TimeoutVerdict.TransferRunning;
        }

        var idle = time.GetElapsedTime(Volatile.Read(ref _lastActivity), now);
        if (_executing)
        {
            // A command that makes no progress for longer than the idle timeout (a client that never reads its
            // replies, a provider that hangs) cannot hold the session forever.
            return idle >= limits.IdleTimeout + limits.DataStallTimeout ? TimeoutVerdict.CommandStuck : TimeoutVerdict.None;
        }

        return idle >= limits.IdleTimeout ? TimeoutVerdict.Idle : TimeoutVerdict.None;
    }
}
