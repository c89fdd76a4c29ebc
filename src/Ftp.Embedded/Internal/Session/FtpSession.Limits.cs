using Ftp.Embedded.Internal.Data;

namespace Ftp.Embedded.Internal.Session;

/// <summary>The user's limits in a session: transfer rates, and the session's place under the user's session limit.</summary>
internal sealed partial class FtpSession
{
    private IDisposable? _userSession;

    /// <summary>The rate limits of a file transfer: the server's for its direction and the user's; none for a listing.</summary>
    private TransferThrottle? ThrottleFor(FtpTransferDirection? direction, FtpUser user)
    {
        var throttle = direction switch
        {
            FtpTransferDirection.Download => TransferThrottle.Create(Context.DownloadRate, user.MaxDownloadRate, Context.TimeProvider),
            FtpTransferDirection.Upload => TransferThrottle.Create(Context.UploadRate, user.MaxUploadRate, Context.TimeProvider),
            _ => null,
        };
        if (throttle is not null)
        {
            FtpLog.TransferThrottled(Context.Logger, Info.Id, direction!.Value, throttle.Rate);
        }

        return throttle;
    }

    /// <summary>Keeps <paramref name="userSession"/> (the place a login took) and gives back the one held before.</summary>
    private void HoldUserSession(IDisposable? userSession) => Interlocked.Exchange(ref _userSession, userSession)?.Dispose();
}
