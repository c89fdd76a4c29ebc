namespace Ftp.Embedded;

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
