namespace Ftp.Embedded;

/// <summary>
/// The optional capabilities a filesystem provider declares in <see cref="IFtpFileSystemProvider.Capabilities"/>. Each
/// flag promises that every filesystem the provider returns implements the matching interface.
/// </summary>
[Flags]
public enum FtpFileSystemCapabilities
{
    /// <summary>Only <see cref="IFtpFileSystem"/>.</summary>
    None = 0,

    /// <summary>The filesystems implement <see cref="IFtpModificationTimeFileSystem"/>: FEAT lists MFMT.</summary>
    ModificationTime = 1,

    /// <summary>The filesystems implement <see cref="IFtpAvailableSpaceFileSystem"/>: FEAT lists AVBL.</summary>
    AvailableSpace = 2,

    /// <summary>
    /// The filesystems implement <see cref="IFtpAtomicUploadFileSystem"/>: STOR hands them the real name and they make the
    /// file visible only when the upload is committed, so the engine writes no temporary file and renames nothing.
    /// </summary>
    AtomicUploads = 4,

    /// <summary>The filesystems implement <see cref="IFtpUnixModeFileSystem"/>: <c>SITE CHMOD</c> changes permission bits.</summary>
    UnixMode = 8,

    /// <summary>
    /// The filesystems implement <see cref="IFtpStoredHashFileSystem"/>: HASH and XCRC/XMD5/XSHA* ask them for a stored hash
    /// of a whole file before reading it.
    /// </summary>
    StoredHashes = 16,

    /// <summary>
    /// The filesystems implement <see cref="IFtpNameListingFileSystem"/>: NLST of a directory asks them for names only
    /// instead of a description of every entry.
    /// </summary>
    NameListing = 32,
}
