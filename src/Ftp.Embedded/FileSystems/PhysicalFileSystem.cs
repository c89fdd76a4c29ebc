namespace Ftp.Embedded;

/// <summary>A filesystem over a host directory, jailed to it: no path and no symbolic link leads outside.</summary>
public sealed class PhysicalFileSystem : IFtpFileSystem, IFtpModificationTimeFileSystem, IFtpPhysicalPathFileSystem
{
    /// <summary>Creates a filesystem whose <c>/</c> is <paramref name="rootPath"/>.</summary>
    /// <param name="rootPath">An existing host directory.</param>
    public PhysicalFileSystem(string rootPath) => throw new NotImplementedException();

    /// <summary>The host directory that is this filesystem's <c>/</c> (full path).</summary>
    public string RootPath => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public IAsyncEnumerable<FtpFileInfo> ListAsync(string path, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public string? GetPhysicalPath(string path) => throw new NotImplementedException();
}

/// <summary>Gives each user a <see cref="PhysicalFileSystem"/> rooted at its home directory below one host directory.</summary>
public sealed class PhysicalFileSystemProvider : IFtpFileSystemProvider
{
    /// <summary>Creates the provider.</summary>
    /// <param name="rootPath">The host directory that is the provider's <c>/</c>.</param>
    public PhysicalFileSystemProvider(string rootPath) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken) => throw new NotImplementedException();
}
