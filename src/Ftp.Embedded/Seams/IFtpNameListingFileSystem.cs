namespace Ftp.Embedded;

/// <summary>
/// An optional capability: the filesystem can list the names of a directory's entries without describing them. NLST of a
/// directory sends names only, so with this interface it reads the directory and nothing more: no size, time or type of
/// each entry. Declare it with <see cref="FtpFileSystemCapabilities.NameListing"/>; without it NLST uses
/// <see cref="IFtpFileSystem.ListAsync"/>.
/// </summary>
public interface IFtpNameListingFileSystem
{
    /// <summary>
    /// Lists the names of the entries of the directory at <paramref name="path"/>, streaming them: exactly the names that
    /// <see cref="IFtpFileSystem.ListAsync"/> yields for the same directory, in any order.
    /// </summary>
    /// <param name="path">A normalised absolute path of a directory.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    IAsyncEnumerable<string> ListNamesAsync(string path, CancellationToken cancellationToken);
}
