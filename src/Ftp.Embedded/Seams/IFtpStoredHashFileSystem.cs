namespace Ftp.Embedded;

/// <summary>
/// An optional capability: the filesystem keeps hashes of its files (an object store's checksum, a database column), so
/// HASH, XCRC, XMD5 and XSHA* need not read the file. Declare it with <see cref="FtpFileSystemCapabilities.StoredHashes"/>.
/// </summary>
/// <remarks>
/// Asked only for a whole file; a range (RANG, or the start and end of XCRC…) is always computed by reading the file.
/// The stored hash must be of the file's current content: the engine sends it to the client as it is.
/// </remarks>
public interface IFtpStoredHashFileSystem
{
    /// <summary>Returns the stored hash of the whole file at <paramref name="path"/>, or <see langword="null"/> to let the engine compute it.</summary>
    /// <param name="path">A normalised absolute path of a file.</param>
    /// <param name="algorithm">The algorithm the client asked for.</param>
    /// <param name="cancellationToken">Cancels the operation (ABOR, the stall timeout, the session's end).</param>
    /// <returns>The raw hash bytes (20 for SHA-1, 32 for SHA-256, 64 for SHA-512, 16 for MD5, 4 big-endian for CRC-32), or <see langword="null"/>.</returns>
    ValueTask<byte[]?> GetStoredHashAsync(string path, FtpChecksumAlgorithm algorithm, CancellationToken cancellationToken);
}
