using System.Net;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Fuzz;

/// <summary>
/// Loggers that turn every warning or error that carries an exception into a crash: <c>SessionFailed</c> (event 9,
/// an exception escaped a session), <c>ProviderFailed</c> (event 10, mapped to 451 "local error"), a failed accept.
/// The server must answer bad input with a reply, never with an internal error.
/// </summary>
internal sealed class CrashingLoggerFactory : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new CrashingLogger(categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class CrashingLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || SessionTarget.Verbose;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (SessionTarget.Verbose)
            {
                Console.WriteLine($"  [{logLevel} {eventId.Id} {category}] {formatter(state, exception)}");
            }

            if (logLevel >= LogLevel.Warning && exception is not null)
            {
                SessionTarget.Fail($"the server logged {logLevel} event {eventId.Id} ({eventId.Name}): {formatter(state, exception)}\n{exception}");
            }
        }
    }
}

/// <summary>
/// The system clock, with timers ten times as frequent: the server's one-second heartbeat, which enforces the data
/// connection deadlines, ticks every 100 ms, so a transfer that waits for a data connection ends in a fraction of a
/// second instead of one or two. Timestamps and durations are real.
/// </summary>
internal sealed class FastHeartbeatTimeProvider : TimeProvider
{
    private const int Speedup = 10;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => System.CreateTimer(callback, state, Shorten(dueTime), Shorten(period));

    private static TimeSpan Shorten(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / Speedup;
}

/// <summary>Serves the filesystem of the current input: each input starts from the same tree.</summary>
internal sealed class SwitchableFileSystemProvider : IFtpFileSystemProvider
{
    private volatile InMemoryFileSystemProvider _current = new(new InMemoryFileSystem());

    public InMemoryFileSystem Current
    {
        get => _current.FileSystem;
        set => _current = new InMemoryFileSystemProvider(value);
    }

    public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
        => _current.GetFileSystemAsync(user, cancellationToken);
}

/// <summary>
/// The default policy, and active-mode connections only to the harness's own listener
/// (<see cref="SessionTarget.ActivePort"/>): the fuzzer never makes the server connect to other programs on this machine.
/// </summary>
internal sealed class HarnessDataChannelPolicy(IFtpDataChannelPolicy inner) : IFtpDataChannelPolicy
{
    public ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken)
        => inner.GetPassiveAddressAsync(session, cancellationToken);

    private static readonly FtpDataChannelDecision OnlyHarness = FtpDataChannelDecision.Refuse("only the harness's own listener.");

    public FtpDataChannelDecision AllowActive(FtpSessionInfo session, IPEndPoint target)
        => target.Port == SessionTarget.ActivePort && IPAddress.IsLoopback(target.Address) ? inner.AllowActive(session, target) : OnlyHarness;

    public FtpDataChannelDecision AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer) => inner.AllowPassivePeer(session, peer);
}
