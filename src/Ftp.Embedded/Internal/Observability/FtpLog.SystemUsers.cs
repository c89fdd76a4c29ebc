using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>Log messages of the machine's accounts (event ids 100 to 109).</summary>
internal static partial class FtpLog
{
    [LoggerMessage(100, LogLevel.Information, "System user {UserName} rejected by PAM service {PamService}: {Step} returned {PamCode}")]
    public static partial void SystemUserPamRejected(ILogger logger, string userName, string pamService, string step, int pamCode);

    [LoggerMessage(101, LogLevel.Warning, "System user {UserName} refused: {Reason}")]
    public static partial void SystemUserRefused(ILogger logger, string userName, string reason);

    [LoggerMessage(102, LogLevel.Error, "PAM could not check system user {UserName}")]
    public static partial void SystemUserPamFailed(ILogger logger, string userName, Exception exception);

    [LoggerMessage(103, LogLevel.Error, "The file-system ids of system user {UserName} (uid {UserId}, gid {GroupId}) could not be taken")]
    public static partial void IdentityNotTaken(ILogger logger, string userName, uint userId, uint groupId);

    [LoggerMessage(104, LogLevel.Critical, "A thread kept the file-system ids of system user {UserName} (fsuid {UserId}, fsgid {GroupId}) after a filesystem call; the call is refused")]
    public static partial void IdentityNotRestored(ILogger logger, string userName, uint userId, uint groupId);

    [LoggerMessage(105, LogLevel.Critical, "A filesystem call of system user {UserName} did not complete while it had the user's ids; it is refused")]
    public static partial void SystemUserCallNotSynchronous(ILogger logger, string userName);
}
