namespace Ftp.Embedded;

/// <summary>An optional capability: the filesystem can tell the free space available at a path (AVBL).</summary>
public interface IFtpAvailableSpaceFileSystem
{
    /// <summary>Returns the bytes that can still be stored at <paramref name="path"/>, or <see langword="null"/> when unknown.</summary>
    /// <param name="path">A normalised absolute path of a directory (or of a file, for its directory).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The free bytes, or <see langword="null"/>.</returns>
    ValueTask<long?> GetAvailableSpaceAsync(string path, CancellationToken cancellationToken);
}
