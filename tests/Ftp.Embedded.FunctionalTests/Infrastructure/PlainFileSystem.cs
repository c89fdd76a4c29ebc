namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>
/// A custom provider as an application writes one: the in-memory tree behind nothing but <see cref="IFtpFileSystem"/>
/// (no optional capability), with hooks to watch or fail the calls the engine makes.
/// </summary>
public sealed class PlainFileSystemProvider(InMemoryFileSystem tree, FtpFileSystemCapabilities declared = FtpFileSystemCapabilities.None)
    : IFtpFileSystemProvider
{
    public FtpFileSystemCapabilities Capabilities => declared;

    public List<(string From, string To)> Renames { get; } = [];

    public List<string> OpenedForWrite { get; } = [];

    /// <summary>Thrown by every rename when set.</summary>
    public Exception? RenameFailure { get; set; }

    public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
        => ValueTask.FromResult<IFtpFileSystem>(new PlainFileSystem(tree.GetSubtree(user.HomeDirectory), this));

    private sealed class PlainFileSystem(IFtpFileSystem inner, PlainFileSystemProvider owner) : IFtpFileSystem
    {
        public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken) => inner.GetInfoAsync(path, cancellationToken);

        public IAsyncEnumerable<FtpFileInfo> ListAsync(string path, CancellationToken cancellationToken) => inner.ListAsync(path, cancellationToken);

        public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(path, offset, cancellationToken);

        public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
        {
            lock (owner.OpenedForWrite)
            {
                owner.OpenedForWrite.Add(path);
            }

            return inner.OpenWriteAsync(path, mode, offset, cancellationToken);
        }

        public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

        public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

        public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

        public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
        {
            lock (owner.Renames)
            {
                owner.Renames.Add((sourcePath, destinationPath));
            }

            return owner.RenameFailure is { } failure ? ValueTask.FromException(failure) : inner.RenameAsync(sourcePath, destinationPath, cancellationToken);
        }
    }
}
