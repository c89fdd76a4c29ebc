using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters carry it as their scope, so a test listens to its own server's meter
/// and not to those of the servers other tests run at the same time.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}

/// <summary>One recorded measurement.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}

/// <summary>Records every measurement of the meters of one <see cref="TestMeterFactory"/>.</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricRecorder(TestMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    /// <summary>Measurements of one instrument.</summary>
    public IReadOnlyList<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    /// <summary>The sum of one instrument's measurements whose tags include all of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Name, string Value)[] tags)
        => Of(instrument).Where(m => tags.All(t => m.Tag(t.Name) == t.Value)).Sum(m => m.Value);

    /// <summary>Asks the observable instruments for their current value and returns the latest of <paramref name="instrument"/>.</summary>
    public double Observe(string instrument)
    {
        _listener.RecordObservableInstruments();
        return Of(instrument)[^1].Value;
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }
}

/// <summary>Records the activities of the <c>Ftp.Embedded</c> source as they stop (of every server in the process).</summary>
public sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ActivityRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FtpTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>The stopped session activities of the server listening on <paramref name="serverPort"/>.</summary>
    public IReadOnlyList<Activity> Sessions(int serverPort)
        => [.. _stopped.Where(a => a.OperationName == "ftp.session" && Equals(a.GetTagItem("server.port"), serverPort))];

    /// <summary>The stopped children of <paramref name="parent"/>.</summary>
    public IReadOnlyList<Activity> ChildrenOf(Activity parent)
        => [.. _stopped.Where(a => a.ParentSpanId == parent.SpanId && a.TraceId == parent.TraceId)];

    public void Dispose() => _listener.Dispose();
}

/// <summary>One captured log entry, with its structured values.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> State, Exception? Exception)
{
    public object? this[string name] => State.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A logger factory that keeps every entry, at every level.</summary>
public sealed class LogCapture : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IReadOnlyList<LogEntry> WithId(int id) => [.. _entries.Where(e => e.EventId.Id == id)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    values[pair.Key] = pair.Value;
                }
            }

            capture._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), values, exception));
        }
    }
}
