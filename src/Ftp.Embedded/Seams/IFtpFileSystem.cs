namespace Ftp.Embedded;

/// <summary>
/// One user's view of a filesystem. Every path arrives normalised and absolute within the user's root
/// (<c>/</c>, <c>/a/b</c>): never <c>..</c>, never a host path.
/// </summary>
/// <remarks>
/// Report errors with ordinary exceptions (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>,
/// <see cref="UnauthorizedAccessException"/>, <see cref="IOException"/>) or an <see cref="FtpException"/>; the engine maps
/// them to reply codes. A filesystem may also implement optional capabilities, which its provider declares in
/// <see cref="IFtpFileSystemProvider.Capabilities"/>: <see cref="IFtpModificationTimeFileSystem"/> (MFMT),
/// <see cref="IFtpAvailableSpaceFileSystem"/> (AVBL), <see cref="IFtpAtomicUploadFileSystem"/> (uploads that replace a
/// file only when complete), <see cref="IFtpUnixModeFileSystem"/> (SITE CHMOD), <see cref="IFtpStoredHashFileSystem"/>
/// (HASH from stored hashes) and <see cref="IFtpNameListingFileSystem"/> (NLST from names only). Downloads of a <see cref="FileStream"/> returned by <see cref="OpenReadAsync"/> are sent
/// without copying (sendfile).
/// </remarks>
public interface IFtpFileSystem
{
    /// <summary>Returns the entry at <paramref name="path"/>, or <see langword="null"/> if it does not exist.</summary>
    /// <param name="path">A normalised absolute path.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken);

    /// <summary>Lists the entries of the directory at <paramref name="path"/>, streaming them.</summary>
    /// <param name="path">A normalised absolute path of a directory.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    IAsyncEnumerable<FtpFileInfo> ListAsync(string path, CancellationToken cancellationToken);

    /// <summary>Opens the file at <paramref name="path"/> for reading, positioned at <paramref name="offset"/>.</summary>
    /// <param name="path">A normalised absolute path of a file.</param>
    /// <param name="offset">Where to start reading (0 or a REST offset).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken);

    /// <summary>Opens the file at <paramref name="path"/> for writing.</summary>
    /// <param name="path">A normalised absolute path of a file.</param>
    /// <param name="mode">Create, append or write from an offset.</param>
    /// <param name="offset">With <see cref="FtpWriteMode.WriteAt"/>: where to start writing.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken);

    /// <summary>Creates the directory at <paramref name="path"/>; its parent must exist.</summary>
    /// <param name="path">A normalised absolute path.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="IOException">An entry with that name exists already.</exception>
    ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary>Deletes the file at <paramref name="path"/>.</summary>
    /// <param name="path">A normalised absolute path of a file.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>Deletes the empty directory at <paramref name="path"/>.</summary>
    /// <param name="path">A normalised absolute path of a directory.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="IOException">The directory is not empty.</exception>
    ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Renames or moves <paramref name="sourcePath"/> to <paramref name="destinationPath"/>. An existing file at <paramref name="destinationPath"/> is replaced
    /// (as POSIX <c>rename</c> does); an existing directory there is an error.
    /// </summary>
    /// <param name="sourcePath">A normalised absolute path that exists.</param>
    /// <param name="destinationPath">A normalised absolute path whose parent exists.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);
}
