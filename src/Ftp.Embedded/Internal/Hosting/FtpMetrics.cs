using System.Diagnostics.Metrics;

namespace Ftp.Embedded.Internal.Hosting;

/// <summary>The <c>Ftp.Embedded</c> meter.</summary>
internal sealed class FtpMetrics : IDisposable
{
    public const string MeterName = "Ftp.Embedded";
    private readonly Meter _meter;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Histogram<double> _sessionDuration;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _loginFailures;

    public FtpMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _activeSessions = _meter.CreateUpDownCounter<long>("ftp.server.active_sessions", "{session}", "Open control connections.");
        _sessionDuration = _meter.CreateHistogram<double>("ftp.server.session.duration", "s", "How long sessions last.");
        _bytes = _meter.CreateCounter<long>("ftp.server.transfer.bytes", "By", "Bytes sent and received on data connections.");
        _commands = _meter.CreateCounter<long>("ftp.server.commands", "{command}", "Commands handled.");
        _loginFailures = _meter.CreateCounter<long>("ftp.server.login.failures", "{failure}", "Rejected logins.");
    }

    public void SessionStarted() => _activeSessions.Add(1);

    public void SessionEnded(TimeSpan duration)
    {
        _activeSessions.Add(-1);
        _sessionDuration.Record(duration.TotalSeconds);
    }

    public void Transferred(long bytes, FtpTransferDirection direction)
    {
        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, new KeyValuePair<string, object?>("ftp.transfer.direction", direction == FtpTransferDirection.Upload ? "upload" : "download"));
        }
    }

    public void Command(string verb)
    {
        if (_commands.Enabled)
        {
            _commands.Add(1, new KeyValuePair<string, object?>("ftp.command", verb));
        }
    }

    public void LoginFailed() => _loginFailures.Add(1);

    public void Dispose() => _meter.Dispose();
}
