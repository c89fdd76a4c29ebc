using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.S3Tests;

/// <summary>Keeps every log entry (event id and formatted message) of the loggers it creates.</summary>
public sealed class LogCapture : ILoggerFactory
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => capture.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
