namespace Ftp.Embedded;

/// <summary>
/// An optional capability: uploads that replace a file only when they are complete (STOR). An object store whose objects
/// appear when written (a multipart upload), a database row written on commit, or a temporary file renamed at the end.
/// Declare it with <see cref="FtpFileSystemCapabilities.AtomicUploads"/>.
/// </summary>
/// <remarks>
/// For a filesystem without this capability the engine uploads to a hidden temporary name in the target's directory and
/// renames it over the target after a clean end (<c>Uploads:Atomic</c>, on by default).
/// </remarks>
public interface IFtpAtomicUploadFileSystem
{
    /// <summary>
    /// Starts an upload that will become the file at <paramref name="path"/>. Check the name here, before any byte is sent
    /// (throw as <see cref="IFtpFileSystem.OpenWriteAsync"/> would: a name too long, a parent that is missing, a
    /// directory in the way); the file at <paramref name="path"/>, if any, must stay as it is until
    /// <see cref="IFtpUpload.CommitAsync"/>.
    /// </summary>
    /// <param name="path">A normalised absolute path of the file to create or replace.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The upload; the engine disposes it.</returns>
    ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken);
}

/// <summary>An upload started by <see cref="IFtpAtomicUploadFileSystem.BeginUploadAsync"/>.</summary>
/// <remarks>
/// The engine writes the data to <see cref="Stream"/>, flushes it, calls <see cref="CommitAsync"/> once after a clean end,
/// and disposes the upload. Disposing it without a commit (the client aborted, the connection broke, a quota or the disk
/// ran out) discards everything written and leaves the previous file as it was.
/// </remarks>
public interface IFtpUpload : IAsyncDisposable
{
    /// <summary>Where the uploaded bytes are written.</summary>
    Stream Stream { get; }

    /// <summary>Makes the upload the file at its path, replacing any previous file there.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}

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
