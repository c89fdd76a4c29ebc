namespace Ftp.Embedded;

/// <summary>A thread-safe filesystem in memory: a real provider for tests, demos and scratch space.</summary>
public sealed class InMemoryFileSystem : IFtpFileSystem, IFtpModificationTimeFileSystem
{
    /// <summary>Creates an empty filesystem (only <c>/</c>).</summary>
    public InMemoryFileSystem() => throw new NotImplementedException();

    /// <summary>Returns a view of the subtree at <paramref name="path"/> (created if missing) that shares this tree's data.</summary>
    /// <param name="path">A virtual absolute path.</param>
    /// <returns>A filesystem whose <c>/</c> is <paramref name="path"/>.</returns>
    public InMemoryFileSystem GetSubtree(string path) => throw new NotImplementedException();

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
}

/// <summary>Gives each user the subtree of one <see cref="InMemoryFileSystem"/> at its home directory (created if missing).</summary>
public sealed class InMemoryFileSystemProvider : IFtpFileSystemProvider
{
    /// <summary>Creates the provider.</summary>
    /// <param name="fileSystem">The tree to serve.</param>
    public InMemoryFileSystemProvider(InMemoryFileSystem fileSystem) => throw new NotImplementedException();

    /// <summary>The tree served.</summary>
    public InMemoryFileSystem FileSystem => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken) => throw new NotImplementedException();
}
