using Ftp.Embedded.Internal.FileSystems;

namespace Ftp.Embedded;

/// <summary>Gives each user a <see cref="PhysicalFileSystem"/> rooted at its home directory below one host directory.</summary>
/// <remarks>
/// Missing home directories are created at login by default (as pure-ftpd's <c>-j</c> does): a home lies below the root,
/// so creating it gives the user nothing the login did not already give, and a new server over an empty directory works
/// at once. With <see cref="CreateHomeDirectories"/> off, a user whose home is missing is refused with 530 (as vsftpd
/// does). At start the server removes temporary upload files that a killed process left behind.
/// </remarks>
public sealed class PhysicalFileSystemProvider : IFtpFileSystemProvider, IFtpStaleUploadCleanup
{
    private readonly PhysicalFileSystem _root;

    /// <summary>Creates the provider.</summary>
    /// <param name="rootPath">The host directory that is the provider's <c>/</c>.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public PhysicalFileSystemProvider(string rootPath) => _root = new PhysicalFileSystem(rootPath);

    /// <summary>The host directory that is the provider's <c>/</c> (full path, links resolved).</summary>
    public string RootPath => _root.RootPath;

    /// <summary>Whether a user's missing home directory is created at login (default) or the login refused with 530.</summary>
    public bool CreateHomeDirectories { get; init; } = true;

    /// <inheritdoc/>
    public FtpFileSystemCapabilities Capabilities
        => FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AvailableSpace | FtpFileSystemCapabilities.AtomicUploads
           | FtpFileSystemCapabilities.UnixMode | FtpFileSystemCapabilities.NameListing;

    /// <inheritdoc/>
    public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.HomeDirectory == "/")
        {
            return _root;
        }

        // The home is a virtual path of the root filesystem: mapped, link-checked and jailed like any client path.
        var home = await _root.GetInfoAsync(user.HomeDirectory, cancellationToken).ConfigureAwait(false);
        if (home is null && CreateHomeDirectories)
        {
            await CreateHomeAsync(user.HomeDirectory, cancellationToken).ConfigureAwait(false);
            home = await _root.GetInfoAsync(user.HomeDirectory, cancellationToken).ConfigureAwait(false);
        }

        if (home is not { IsDirectory: true })
        {
            throw new DirectoryNotFoundException($"The home directory '{user.HomeDirectory}' of '{user.Name}' does not exist.");
        }

        return new PhysicalFileSystem(Path.Join(_root.RootPath, user.HomeDirectory.TrimStart('/')));
    }

    /// <inheritdoc/>
    /// <remarks>Walks the whole tree below the root (not following links) for <c>.ftp-upload-*.part</c> files.</remarks>
    public ValueTask<int> RemoveStaleUploadsAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        var cutoff = DateTime.UtcNow - olderThan;
        var removed = 0;
        foreach (var file in new DirectoryInfo(_root.RootPath).EnumerateFiles(UploadTemporaryName.SearchPattern, options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (UploadTemporaryName.Matches(file.Name) && file.LinkTarget is null && file.LastWriteTimeUtc < cutoff)
                {
                    file.Delete();
                    removed++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone already, or not ours to remove.
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <summary>Creates each missing directory on the way to the home, through the jailed root filesystem.</summary>
    private async ValueTask CreateHomeAsync(string home, CancellationToken cancellationToken)
    {
        var path = "";
        foreach (var segment in home.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + segment;
            if (await _root.GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            try
            {
                await _root.CreateDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Another login may have created it at the same moment; anything else in the way is the caller's 530.
                if (await _root.GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not { IsDirectory: true })
                {
                    throw new DirectoryNotFoundException($"The home directory '{home}' cannot be created: '{path}' is in the way.");
                }
            }
        }
    }
}
