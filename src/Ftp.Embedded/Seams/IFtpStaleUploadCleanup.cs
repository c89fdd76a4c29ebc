namespace Ftp.Embedded;

/// <summary>
/// An optional capability of a provider: removing uploads that an earlier process left unfinished (temporary files of a
/// process killed mid-upload, open multipart uploads). The server calls it in the background once it has started.
/// </summary>
public interface IFtpStaleUploadCleanup
{
    /// <summary>Removes unfinished uploads that nothing has written to for at least <paramref name="olderThan"/>.</summary>
    /// <param name="olderThan">
    /// How long an upload must have been idle to be stale: the server passes its data stall timeout plus a minute, since a
    /// live transfer that moves nothing for longer has been ended by then.
    /// </param>
    /// <param name="cancellationToken">Cancelled when the server stops.</param>
    /// <returns>How many unfinished uploads were removed.</returns>
    ValueTask<int> RemoveStaleUploadsAsync(TimeSpan olderThan, CancellationToken cancellationToken);
}
