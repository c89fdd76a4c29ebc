namespace Ftp.Embedded;

/// <summary>Gives each user the subtree of one <see cref="InMemoryFileSystem"/> at its home directory (created if missing).</summary>
public sealed class InMemoryFileSystemProvider : IFtpFileSystemProvider
{
    /// <summary>Creates the provider.</summary>
    /// <param name="fileSystem">The tree to serve.</param>
    public InMemoryFileSystemProvider(InMemoryFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        FileSystem = fileSystem;
    }

    /// <summary>The tree served.</summary>
    public InMemoryFileSystem FileSystem { get; }

    /// <inheritdoc/>
    public FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AtomicUploads | FtpFileSystemCapabilities.UnixMode
                                                     | FtpFileSystemCapabilities.NameListing;

    /// <inheritdoc/>
    public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ValueTask.FromResult<IFtpFileSystem>(FileSystem.GetSubtree(user.HomeDirectory));
    }
}
