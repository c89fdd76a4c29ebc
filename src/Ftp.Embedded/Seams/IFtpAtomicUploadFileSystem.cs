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
