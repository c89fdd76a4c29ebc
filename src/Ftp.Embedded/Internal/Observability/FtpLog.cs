using System.Net;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>Log messages with stable event ids. PASS arguments are never logged.</summary>
internal static partial class FtpLog
{
    [LoggerMessage(1, LogLevel.Information, "FTP server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(2, LogLevel.Warning, "Accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Connection from {RemoteEndPoint} refused: {Reason}")]
    public static partial void SessionRefused(ILogger logger, IPEndPoint remoteEndPoint, string reason);

    [LoggerMessage(4, LogLevel.Information, "Session {SessionId} started from {RemoteEndPoint}")]
    public static partial void SessionStarted(ILogger logger, long sessionId, IPEndPoint remoteEndPoint);

    [LoggerMessage(5, LogLevel.Information, "Session {SessionId} ended after {Duration}: user {UserName}, {Commands} commands, {BytesUploaded} bytes up, {BytesDownloaded} bytes down")]
    public static partial void SessionEnded(ILogger logger, long sessionId, TimeSpan duration, string? userName, long commands, long bytesUploaded, long bytesDownloaded);

    [LoggerMessage(6, LogLevel.Debug, "Session {SessionId} command {Verb} {Argument}")]
    public static partial void Command(ILogger logger, long sessionId, string verb, string argument);

    [LoggerMessage(7, LogLevel.Information, "Session {SessionId} user {UserName} logged in")]
    public static partial void LoginSucceeded(ILogger logger, long sessionId, string userName);

    [LoggerMessage(8, LogLevel.Warning, "Session {SessionId} login failed for user {UserName} from {RemoteEndPoint}")]
    public static partial void LoginFailed(ILogger logger, long sessionId, string userName, IPEndPoint remoteEndPoint);

    [LoggerMessage(9, LogLevel.Warning, "Session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "Session {SessionId}: the filesystem or authenticator failed on {Verb}")]
    public static partial void ProviderFailed(ILogger logger, long sessionId, string verb, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Session {SessionId} closed: {Reason}")]
    public static partial void SessionClosed(ILogger logger, long sessionId, string reason);

    [LoggerMessage(12, LogLevel.Information, "Session {SessionId} user {UserName} {Direction} {Path}: {Bytes} bytes in {Duration}, {Outcome}")]
    public static partial void Transfer(ILogger logger, long sessionId, string userName, FtpTransferDirection direction, string path, long bytes, TimeSpan duration, string outcome);

    [LoggerMessage(13, LogLevel.Warning, "A handler of FtpServerEvents threw")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Shutdown left {Count} sessions that did not end")]
    public static partial void ShutdownIncomplete(ILogger logger, int count);

    [LoggerMessage(15, LogLevel.Debug, "Session {SessionId} data connection failed")]
    public static partial void DataConnectionFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(40, LogLevel.Warning, "Address {Address} banned until {Until} after {Failures} failed logins")]
    public static partial void AddressBanned(ILogger logger, IPAddress address, int failures, DateTimeOffset until);

    [LoggerMessage(41, LogLevel.Warning, "Session {SessionId} cut: {Reason}")]
    public static partial void SessionCut(ILogger logger, long sessionId, string reason);

    [LoggerMessage(42, LogLevel.Warning, "Shutdown cut {Count} sessions after the shutdown timeout")]
    public static partial void ShutdownCut(ILogger logger, int count);

    [LoggerMessage(43, LogLevel.Warning, "Shutdown cut the transfer of session {SessionId} (user {UserName}): {Direction} {Path} after {Bytes} bytes")]
    public static partial void TransferCutByShutdown(ILogger logger, long sessionId, string userName, FtpTransferDirection direction, string path, long bytes);

    [LoggerMessage(16, LogLevel.Warning, "Transfer log {Path}: {Count} lines dropped because the writer fell behind or the file could not be written")]
    public static partial void TransferLogDropped(ILogger logger, string path, long count);

    [LoggerMessage(17, LogLevel.Warning, "Writing the transfer log {Path} failed")]
    public static partial void TransferLogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(50, LogLevel.Warning, "Session {SessionId}: passive data connection from {Peer} refused: {Reason}")]
    public static partial void PassivePeerRefused(ILogger logger, long sessionId, IPEndPoint peer, string reason);

    [LoggerMessage(51, LogLevel.Information, "Removed {Count} unfinished uploads left by an earlier process")]
    public static partial void StaleUploadsRemoved(ILogger logger, int count);

    [LoggerMessage(52, LogLevel.Warning, "Removing unfinished uploads left by an earlier process failed")]
    public static partial void StaleUploadCleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(53, LogLevel.Warning, "Session {SessionId}: login of {UserName} refused: {Reason}")]
    public static partial void LoginRefusedByFileSystem(ILogger logger, long sessionId, string userName, string reason);

    [LoggerMessage(60, LogLevel.Warning, "No authenticator is registered: nobody can log in. Add AddAnonymous(), AddLocalUsers() or AddAuthenticator<T>() to the FTP server's registration")]
    public static partial void NoAuthenticator(ILogger logger);

    [LoggerMessage(61, LogLevel.Warning, "The renewed TLS certificate {Path} was not loaded, the previous one stays in use: {Reason}")]
    public static partial void CertificateNotReloaded(ILogger logger, string path, string reason);

    [LoggerMessage(62, LogLevel.Warning, "Session {SessionId}: the filesystem did not return from the {Operation} within {Grace} after the transfer was cut; the transfer ends without waiting for it")]
    public static partial void ProviderAbandoned(ILogger logger, long sessionId, string operation, TimeSpan grace);

    [LoggerMessage(63, LogLevel.Information, "Session {SessionId}: the filesystem returned from the abandoned {Operation} {Duration} later; its stream is now closed")]
    public static partial void AbandonedCallReturned(ILogger logger, long sessionId, string operation, TimeSpan duration, Exception? exception);

    [LoggerMessage(70, LogLevel.Warning, "Connection from trusted proxy {Peer} closed without a session: PROXY protocol header refused ({Reason})")]
    public static partial void ProxyHeaderRefused(ILogger logger, IPEndPoint peer, string reason);

    [LoggerMessage(71, LogLevel.Debug, "Connection from trusted proxy {Peer}: PROXY protocol LOCAL (a health check), closed")]
    public static partial void ProxyLocal(ILogger logger, IPEndPoint peer);

    [LoggerMessage(72, LogLevel.Debug, "Connection from trusted proxy {Peer} is from client {RemoteEndPoint}")]
    public static partial void ProxiedConnection(ILogger logger, IPEndPoint peer, IPEndPoint remoteEndPoint);

    [LoggerMessage(73, LogLevel.Warning, "Session {SessionId}: passive data connection from trusted proxy {Peer} refused: PROXY protocol header refused ({Reason})")]
    public static partial void ProxyDataHeaderRefused(ILogger logger, long sessionId, IPEndPoint peer, string reason);

    [LoggerMessage(74, LogLevel.Debug, "Session {SessionId}: passive data connection from trusted proxy {Peer} is from client {Client}")]
    public static partial void ProxiedDataConnection(ILogger logger, long sessionId, IPEndPoint peer, IPEndPoint client);

    [LoggerMessage(90, LogLevel.Error, "Session {SessionId}: the application's SITE {Name} failed for user {UserName}; replied 451")]
    public static partial void SiteCommandFailed(ILogger logger, long sessionId, string name, string userName, Exception exception);

    [LoggerMessage(91, LogLevel.Warning, "Session {SessionId}: the application's SITE {Name} did not reply within {Limit}; replied 451")]
    public static partial void SiteCommandTimedOut(ILogger logger, long sessionId, string name, TimeSpan limit);

    [LoggerMessage(92, LogLevel.Information, "Session {SessionId}: user {UserName} set the mode of {Path} to {Mode}")]
    public static partial void ModeChanged(ILogger logger, long sessionId, string userName, string path, string mode);

    [LoggerMessage(93, LogLevel.Debug, "Session {SessionId}: {Algorithm} of {Path} from byte {Start}, {Length} bytes, {Source}")]
    public static partial void HashStarted(ILogger logger, long sessionId, string algorithm, string path, long start, long length, string source);
}
