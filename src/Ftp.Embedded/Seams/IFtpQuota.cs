namespace Ftp.Embedded;

/// <summary>
/// A per-user storage quota, registered with <c>UseQuota&lt;T&gt;()</c> or passed to <see cref="FtpServer.Create"/>.
/// Before each upload (STOR, STOU, APPE) the server asks how many bytes the user may still store there, and ends an
/// upload that would go past it with 552 before the excess is written; an atomic STOR that hits the quota leaves the
/// previous file as it was. AVBL reports the same figure (or the filesystem's free space, whichever is smaller).
/// </summary>
/// <remarks>
/// The server does not keep accounts: compute the figure from what the user stores (a database row, a directory size
/// kept up to date from <see cref="FtpServerEvents.TransferEnded"/>). It limits each upload on its own, so an overwrite
/// needs room for the whole new file even though the old one goes away.
/// </remarks>
public interface IFtpQuota
{
    /// <summary>Returns the bytes <paramref name="user"/> may still store at <paramref name="path"/>, or <see langword="null"/> for no limit.</summary>
    /// <param name="user">The logged-in user.</param>
    /// <param name="path">The normalised virtual path about to be written, or the directory AVBL asks about.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The bytes left (0 or more), or <see langword="null"/> when the user has no quota.</returns>
    ValueTask<long?> GetAvailableBytesAsync(FtpUser user, string path, CancellationToken cancellationToken);
}
