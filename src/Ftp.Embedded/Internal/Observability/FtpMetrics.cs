using System.Diagnostics.Metrics;
using Ftp.Embedded.Internal.Data;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>
/// The <c>Ftp.Embedded</c> meter. Every recording checks <see cref="Instrument.Enabled"/> first, so nothing is computed
/// or tagged while nobody listens; tag values are constants or strings the caller already holds.
/// </summary>
internal sealed class FtpMetrics : IDisposable
{
    public const string MeterName = FtpTelemetry.MeterName;

    // Session and transfer durations span milliseconds to hours.
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    };

    private static readonly string[] ReplyClasses = ["none", "1xx", "2xx", "3xx", "4xx", "5xx"];
    private readonly Meter _meter;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Histogram<double> _sessionDuration;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _loginFailures;
    private readonly Counter<long> _transfers;
    private readonly Histogram<double> _transferDuration;
    private readonly Counter<long> _tlsHandshakes;
    private readonly Counter<long> _sessionsRefused;
    private readonly Counter<long> _loginsRefused;

    public FtpMetrics(IMeterFactory? meterFactory)
    {
        var options = new MeterOptions(MeterName) { Version = typeof(FtpMetrics).Assembly.GetName().Version?.ToString(3) };
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _activeSessions = _meter.CreateUpDownCounter<long>("ftp.server.active_sessions", "{session}", "Open control connections.");
        _sessionDuration = _meter.CreateHistogram("ftp.server.session.duration", "s", "How long sessions last.", advice: DurationAdvice);
        _bytes = _meter.CreateCounter<long>("ftp.server.transfer.bytes", "By", "Bytes sent and received on data connections.");
        _commands = _meter.CreateCounter<long>("ftp.server.commands", "{command}", "Commands handled, by verb and class of the last reply.");
        _loginFailures = _meter.CreateCounter<long>("ftp.server.login.failures", "{failure}", "Rejected logins.");
        _transfers = _meter.CreateCounter<long>("ftp.server.transfers", "{transfer}", "File transfers that ended, by direction and outcome.");
        _transferDuration = _meter.CreateHistogram("ftp.server.transfer.duration", "s", "How long file transfers take.", advice: DurationAdvice);
        _tlsHandshakes = _meter.CreateCounter<long>("ftp.server.tls.handshakes", "{handshake}", "TLS handshakes on control and data connections.");
        _sessionsRefused = _meter.CreateCounter<long>("ftp.server.sessions.refused", "{session}", "Connections refused with 421 before the greeting.");
        _loginsRefused = _meter.CreateCounter<long>("ftp.server.logins.refused", "{login}", "Logins with the right password refused by the user's own limits.");
    }

    /// <summary>Counts a session in; returns whether it was, to pass to <see cref="SessionEnded"/> so the count stays balanced.</summary>
    public bool SessionStarted()
    {
        if (!_activeSessions.Enabled)
        {
            return false;
        }

        _activeSessions.Add(1);
        return true;
    }

    public void SessionEnded(bool counted, TimeSpan duration)
    {
        if (counted)
        {
            _activeSessions.Add(-1);
        }

        if (_sessionDuration.Enabled)
        {
            _sessionDuration.Record(duration.TotalSeconds);
        }
    }

    /// <summary>Reports the ports of <paramref name="pool"/> that passive listeners hold, whenever the meter is collected.</summary>
    public void ObservePassivePorts(PassivePortPool pool)
        => _meter.CreateObservableUpDownCounter("ftp.server.passive_ports.in_use", () => pool.InUse, "{port}",
            "Passive data ports held by listeners that wait for or serve a data connection.");

    /// <summary>A command ended; <paramref name="replyCode"/> is the last reply it produced (0: none).</summary>
    public void Command(string verb, int replyCode)
    {
        if (_commands.Enabled)
        {
            _commands.Add(1,
                new KeyValuePair<string, object?>("ftp.command", verb),
                new KeyValuePair<string, object?>("ftp.reply.class", ReplyClass(replyCode)));
        }
    }

    /// <summary>A file transfer ended: its bytes, one transfer by outcome, and its duration.</summary>
    public void TransferEnded(FtpTransferDirection direction, string outcome, long bytes, TimeSpan duration)
    {
        var directionTag = new KeyValuePair<string, object?>("ftp.transfer.direction", Direction(direction));
        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, directionTag);
        }

        var outcomeTag = new KeyValuePair<string, object?>("ftp.transfer.outcome", outcome);
        if (_transfers.Enabled)
        {
            _transfers.Add(1, directionTag, outcomeTag);
        }

        if (_transferDuration.Enabled)
        {
            _transferDuration.Record(duration.TotalSeconds, directionTag, outcomeTag);
        }
    }

    public void LoginFailed()
    {
        if (_loginFailures.Enabled)
        {
            _loginFailures.Add(1);
        }
    }

    public void TlsHandshake(bool dataConnection, bool succeeded)
    {
        if (_tlsHandshakes.Enabled)
        {
            _tlsHandshakes.Add(1,
                new KeyValuePair<string, object?>("ftp.tls.channel", dataConnection ? "data" : "control"),
                new KeyValuePair<string, object?>("ftp.tls.outcome", succeeded ? "success" : "failure"));
        }
    }

    /// <summary>A connection was refused before the greeting; <paramref name="reason"/> is one of <see cref="RefusalReason"/>.</summary>
    public void SessionRefused(string reason)
    {
        if (_sessionsRefused.Enabled)
        {
            _sessionsRefused.Add(1, new KeyValuePair<string, object?>("ftp.refusal.reason", reason));
        }
    }

    /// <summary>A login was refused by the user's limits; <paramref name="reason"/> is one of <see cref="LoginRefusalReason"/>.</summary>
    public void LoginRefused(string reason)
    {
        if (_loginsRefused.Enabled)
        {
            _loginsRefused.Add(1, new KeyValuePair<string, object?>("ftp.refusal.reason", reason));
        }
    }

    public static string Direction(FtpTransferDirection direction) => direction == FtpTransferDirection.Upload ? "upload" : "download";

    public static string ReplyClass(int code) => code is >= 100 and < 600 ? ReplyClasses[code / 100] : ReplyClasses[0];

    public void Dispose() => _meter.Dispose();
}

/// <summary>Values of the <c>ftp.refusal.reason</c> tag of <c>ftp.server.sessions.refused</c>.</summary>
internal static class RefusalReason
{
    /// <summary><see cref="FtpServerLimits.MaxSessions"/> sessions are open.</summary>
    public const string MaxSessions = "max_sessions";

    /// <summary><see cref="FtpServerLimits.MaxSessionsPerIp"/> sessions are open from the client's address.</summary>
    public const string MaxSessionsPerIp = "max_sessions_per_ip";

    /// <summary>The client's address is banned (for the ban list, when it refuses connections).</summary>
    public const string Banned = "banned";

    /// <summary>A trusted proxy's connection did not start with a valid PROXY protocol header in time.</summary>
    public const string ProxyHeader = "proxy_header";

    /// <summary><see cref="FtpProxyOptions.Required"/> and the connection is not from a trusted proxy.</summary>
    public const string ProxyUntrusted = "proxy_untrusted";
}

/// <summary>Values of the <c>ftp.refusal.reason</c> tag of <c>ftp.server.logins.refused</c>.</summary>
internal static class LoginRefusalReason
{
    /// <summary>The user holds <see cref="FtpUser.MaxSessions"/> sessions already.</summary>
    public const string MaxSessionsPerUser = "max_sessions_per_user";

    /// <summary>The client's address is outside <see cref="FtpUser.AllowedNetworks"/>.</summary>
    public const string Network = "network";
}

/// <summary>Values of the <c>ftp.transfer.outcome</c> tag and attribute.</summary>
internal static class TransferOutcome
{
    /// <summary>226: every byte moved.</summary>
    public const string Completed = "completed";

    /// <summary>426: ABOR, a timeout, shutdown, or the client broke the data connection.</summary>
    public const string Aborted = "aborted";

    /// <summary>Any other error: the data connection could not be opened or secured, or the filesystem failed.</summary>
    public const string Failed = "failed";

    public static string FromReply(int code) => code switch
    {
        (int)FtpReplyCode.ClosingDataConnection => Completed,
        (int)FtpReplyCode.TransferAborted => Aborted,
        _ => Failed,
    };
}
