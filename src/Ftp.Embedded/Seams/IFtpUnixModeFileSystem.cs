namespace Ftp.Embedded;

/// <summary>
/// An optional capability: the filesystem can change Unix permission bits (<c>SITE CHMOD</c>). Declare it with
/// <see cref="FtpFileSystemCapabilities.UnixMode"/>; without it <c>SITE CHMOD</c> is answered with 502.
/// </summary>
public interface IFtpUnixModeFileSystem
{
    /// <summary>Sets the permission bits of the file or directory at <paramref name="path"/>.</summary>
    /// <param name="path">A normalised absolute path that exists.</param>
    /// <param name="mode">The bits, <c>0</c> to <c>0777</c> (for example <c>0644</c>); the engine refuses larger values.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask SetUnixModeAsync(string path, int mode, CancellationToken cancellationToken);
}
