using System.Net;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>Log messages of the per-user limits and transfer rate limits (event ids 80 to 89).</summary>
internal static partial class FtpLog
{
    [LoggerMessage(80, LogLevel.Warning, "Session {SessionId}: login of {UserName} refused: {Address} is not in the user's allowed networks")]
    public static partial void LoginRefusedByNetwork(ILogger logger, long sessionId, string userName, IPAddress address);

    [LoggerMessage(81, LogLevel.Warning, "Session {SessionId}: login of {UserName} refused: the user already has {MaxSessions} sessions")]
    public static partial void LoginRefusedBySessionLimit(ILogger logger, long sessionId, string userName, int maxSessions);

    [LoggerMessage(82, LogLevel.Debug, "Session {SessionId}: {Direction} limited to {Rate} bytes per second")]
    public static partial void TransferThrottled(ILogger logger, long sessionId, FtpTransferDirection direction, long rate);
}
