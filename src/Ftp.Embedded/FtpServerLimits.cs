namespace Ftp.Embedded;

/// <summary>Limits that keep one client from holding or exhausting the server. Every setter validates its value.</summary>
public sealed class FtpServerLimits
{
    private int _maxLineLength = 4096;
    private int _maxPathLength = 1024;
    private TimeSpan _idleTimeout = TimeSpan.FromSeconds(300);
    private TimeSpan _loginTimeout = TimeSpan.FromSeconds(60);
    private TimeSpan _dataConnectTimeout = TimeSpan.FromSeconds(60);
    private TimeSpan _dataStallTimeout = TimeSpan.FromSeconds(300);
    private TimeSpan _failedLoginDelay = TimeSpan.FromSeconds(1);
    private int _maxFailedLogins = 3;
    private int _maxSessions = 1000;
    private int _maxSessionsPerIp = 50;
    private TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _tlsHandshakeTimeout = TimeSpan.FromSeconds(10);
    private TimeSpan _replyTimeout = TimeSpan.FromSeconds(60);
    private long _maxDownloadRate;
    private long _maxUploadRate;

    /// <summary>
    /// The longest command line in bytes, CRLF included. Default 4096 (vsftpd's and ProFTPD's default; RFC 959 sets none).
    /// A longer line gets reply 500 and the connection is closed without buffering the rest.
    /// </summary>
    public int MaxLineLength { get => _maxLineLength; set => _maxLineLength = Range(value, 64, 1024 * 1024); }

    /// <summary>The longest virtual path in characters after normalisation. Default 1024. Longer paths get reply 553.</summary>
    public int MaxPathLength { get => _maxPathLength; set => _maxPathLength = Range(value, 16, 32 * 1024); }

    /// <summary>
    /// How long a session may stay silent between commands while no transfer runs. Default 300 s (vsftpd's <c>idle_session_timeout</c>).
    /// The client gets reply 421 and the connection is closed.
    /// </summary>
    public TimeSpan IdleTimeout { get => _idleTimeout; set => _idleTimeout = Positive(value); }

    /// <summary>
    /// How long a client may take from connecting to logging in. Default 60 s (ProFTPD's <c>TimeoutLogin</c> is 300 s,
    /// vsftpd has none; 60 s is ample for a person typing). Bytes trickling in do not extend it, and an authenticator that
    /// hangs is cut by it too.
    /// </summary>
    public TimeSpan LoginTimeout { get => _loginTimeout; set => _loginTimeout = Positive(value); }

    /// <summary>
    /// How long a prepared data connection may take to be established. Default 60 s (vsftpd's <c>connect_timeout</c> and
    /// <c>accept_timeout</c>). The transfer command then gets reply 425.
    /// </summary>
    public TimeSpan DataConnectTimeout { get => _dataConnectTimeout; set => _dataConnectTimeout = Positive(value); }

    /// <summary>
    /// How long a transfer may make no progress. Default 300 s (vsftpd's <c>data_connection_timeout</c>). The transfer then
    /// gets reply 426.
    /// </summary>
    public TimeSpan DataStallTimeout { get => _dataStallTimeout; set => _dataStallTimeout = Positive(value); }

    /// <summary>
    /// The delay before answering the first failed login of a session with 530. Default 1 s (vsftpd's
    /// <c>delay_failed_login</c>). Each further failure in the same session doubles it, up to 16 times this value.
    /// </summary>
    public TimeSpan FailedLoginDelay { get => _failedLoginDelay; set => _failedLoginDelay = NonNegative(value); }

    /// <summary>Failed logins after which the connection is closed. Default 3 (vsftpd's <c>max_login_fails</c>).</summary>
    public int MaxFailedLogins { get => _maxFailedLogins; set => _maxFailedLogins = Range(value, 1, 1000); }

    /// <summary>
    /// Concurrent sessions the server holds; further connections get 421. Default 1000. A session stops counting when its
    /// protocol ends (after QUIT, a timeout or a cut), before its connection has finished closing.
    /// </summary>
    public int MaxSessions { get => _maxSessions; set => _maxSessions = Range(value, 1, 10_000_000); }

    /// <summary>Concurrent sessions from one IP address; further connections get 421. Default 50. Counted like <see cref="MaxSessions"/>.</summary>
    public int MaxSessionsPerIp { get => _maxSessionsPerIp; set => _maxSessionsPerIp = Range(value, 1, 10_000_000); }

    /// <summary>How long a stop waits for running commands and transfers before it cuts them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get => _shutdownTimeout; set => _shutdownTimeout = NonNegative(value); }

    /// <summary>
    /// How long writing a reply may wait for a client that does not read its control connection (its receive window is
    /// full). Default 60 s. The session is then cut without a reply.
    /// </summary>
    public TimeSpan ReplyTimeout { get => _replyTimeout; set => _replyTimeout = Positive(value); }

    /// <summary>
    /// The most bytes per second all downloads together may move (pure-ftpd's <c>-t</c>, for the whole server). Each user
    /// may have a lower limit of their own (<see cref="FtpUser.MaxDownloadRate"/>). 0 (the default): none. At least 1024
    /// otherwise. Listings are not limited.
    /// </summary>
    public long MaxDownloadRate { get => _maxDownloadRate; set => _maxDownloadRate = CheckRate(value); }

    /// <summary>
    /// The most bytes per second all uploads together may move; a user may have a lower limit of their own
    /// (<see cref="FtpUser.MaxUploadRate"/>). 0 (the default): none. At least 1024 otherwise.
    /// </summary>
    public long MaxUploadRate { get => _maxUploadRate; set => _maxUploadRate = CheckRate(value); }

    /// <summary>How long a TLS handshake may take, on the control or a data connection. Default 10 s.</summary>
    public TimeSpan TlsHandshakeTimeout { get => _tlsHandshakeTimeout; set => _tlsHandshakeTimeout = Positive(value); }

    /// <summary>A transfer rate: 0 (none) or at least 1024 bytes per second (one slice every tenth of a second or less).</summary>
    internal static long CheckRate(long value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
        => value == 0 || value >= MinRate
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be 0 (no limit) or at least {MinRate} bytes per second.");

    /// <summary>The lowest rate limit accepted, in bytes per second.</summary>
    internal const long MinRate = 1024;

    private static int Range(int value, int min, int max, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
        => value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"FtpServerLimits.{name} must be between {min} and {max}.");

    private static TimeSpan Positive(TimeSpan value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
        => value > TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"FtpServerLimits.{name} must be more than zero and at most one day.");

    private static TimeSpan NonNegative(TimeSpan value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
        => value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"FtpServerLimits.{name} must be between zero and one day.");
}
