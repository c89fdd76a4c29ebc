namespace Ftp.Embedded;

/// <summary>An optional capability: the filesystem can set a file's modification time (MFMT).</summary>
public interface IFtpModificationTimeFileSystem
{
    /// <summary>Sets the modification time of the file at <paramref name="path"/>.</summary>
    /// <param name="path">A normalised absolute path of a file.</param>
    /// <param name="lastWriteTime">The new modification time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken);
}
