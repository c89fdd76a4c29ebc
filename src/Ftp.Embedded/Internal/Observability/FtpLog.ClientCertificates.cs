using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>Log messages of TLS client certificates (event ids 110-119).</summary>
internal static partial class FtpLog
{
    [LoggerMessage(110, LogLevel.Warning, "TLS client certificate {Subject} refused: {Reason}")]
    public static partial void ClientCertificateRefused(ILogger logger, string subject, string reason);

    [LoggerMessage(111, LogLevel.Warning, "Data connection TLS client certificate {Subject} refused: the control connection presented {ControlSubject}")]
    public static partial void DataClientCertificateRefused(ILogger logger, string subject, string controlSubject);

    [LoggerMessage(112, LogLevel.Warning, "Session {SessionId}: client certificate {Subject} maps to {MappedUserName}, not to {UserName}")]
    public static partial void ClientCertificateMismatch(ILogger logger, long sessionId, string subject, string? mappedUserName, string userName);

    [LoggerMessage(113, LogLevel.Warning, "Session {SessionId}: login as {UserName} refused: a client certificate is required")]
    public static partial void ClientCertificateMissing(ILogger logger, long sessionId, string userName);

    [LoggerMessage(114, LogLevel.Information, "Session {SessionId}: user {UserName} logged in by client certificate {Subject}")]
    public static partial void CertificateLogin(ILogger logger, long sessionId, string userName, string subject);
}
