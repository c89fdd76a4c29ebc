using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>One log entry as the server wrote it.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString()
        => $"[{Level} {EventId.Id}] {Category}: {Message}{(Exception is null ? "" : Environment.NewLine + Exception)}";
}

/// <summary>
/// Records what the server logs, for assertions: a count per event id and per level for everything at or above
/// <c>minimumLevel</c>, the entries at or above <c>storedLevel</c> (bounded), and every fault, that is a session that
/// failed (event 9), a provider that failed (event 10) or anything at Error or above (bounded too). Counting costs no
/// memory per entry, so a long run keeps a flat heap.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>FtpLog.LoginFailed: a wrong user name or password, a warning.</summary>
    public const int LoginFailedEventId = 8;

    /// <summary>FtpLog.SessionFailed: a session task ended with an unexpected exception.</summary>
    public const int SessionFailedEventId = 9;

    /// <summary>FtpLog.ProviderFailed: the filesystem or authenticator threw something unexpected.</summary>
    public const int ProviderFailedEventId = 10;

    private readonly LogLevel _minimumLevel;
    private readonly LogLevel _storedLevel;
    private readonly int _maxStored;
    private readonly ConcurrentDictionary<int, long> _byEventId = new();
    private readonly ConcurrentDictionary<LogLevel, long> _byLevel = new();
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private readonly ConcurrentQueue<CapturedLog> _faults = new();
    private int _stored;
    private int _faultsStored;
    private long _faultCount;

    public CapturingLoggerProvider(LogLevel minimumLevel = LogLevel.Information, LogLevel storedLevel = LogLevel.Warning, int maxStored = 1000)
    {
        _minimumLevel = minimumLevel;
        _storedLevel = storedLevel;
        _maxStored = maxStored;
    }

    /// <summary>The stored entries (at or above the stored level), oldest first.</summary>
    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>Session failures, provider failures and errors, oldest first (at most the stored bound).</summary>
    public IReadOnlyList<CapturedLog> Faults => [.. _faults];

    /// <summary>How many entries had this event id.</summary>
    public long CountOf(int eventId) => _byEventId.GetValueOrDefault(eventId);

    /// <summary>How many entries had this level.</summary>
    public long CountOf(LogLevel level) => _byLevel.GetValueOrDefault(level);

    /// <summary>How many faults were logged in all (stored or not).</summary>
    public long FaultCount => Interlocked.Read(ref _faultCount);

    /// <summary>A logger factory that writes only here.</summary>
    public ILoggerFactory CreateFactory() => new LoggerFactory([this], new LoggerFilterOptions { MinLevel = _minimumLevel });

    /// <summary>The counts per event id, for a report.</summary>
    public string Summary()
        => string.Join(", ", _byEventId.OrderBy(p => p.Key).Select(p => $"event {p.Key}: {p.Value}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private static bool IsFault(LogLevel level, EventId eventId)
        => level >= LogLevel.Error || eventId.Id is SessionFailedEventId or ProviderFailedEventId;

    private void Record(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        _byEventId.AddOrUpdate(eventId.Id, 1, static (_, n) => n + 1);
        _byLevel.AddOrUpdate(level, 1, static (_, n) => n + 1);
        var fault = IsFault(level, eventId);
        if (fault)
        {
            Interlocked.Increment(ref _faultCount);
        }

        if (fault && Interlocked.Increment(ref _faultsStored) <= _maxStored)
        {
            _faults.Enqueue(new CapturedLog(category, level, eventId, message, exception));
        }

        if (level >= _storedLevel && Interlocked.Increment(ref _stored) <= _maxStored)
        {
            _entries.Enqueue(new CapturedLog(category, level, eventId, message, exception));
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // Format only what is kept: counting the rest allocates nothing per entry.
            var keep = logLevel >= owner._storedLevel || IsFault(logLevel, eventId);
            owner.Record(category, logLevel, eventId, keep ? formatter(state, exception) : "", exception);
        }
    }
}
