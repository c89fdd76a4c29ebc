using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>Log messages of MODE Z, compressed data connections (event ids 120 to 129).</summary>
internal static partial class FtpLog
{
    [LoggerMessage(120, LogLevel.Debug, "Session {SessionId}: MODE Z, data connections compressed at level {Level}")]
    public static partial void ModeZ(ILogger logger, long sessionId, int level);
}
