namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>
/// A filesystem that passes every call to <paramref name="inner"/>: the base of test wrappers that watch or change a
/// few calls (and add optional interfaces) without repeating the rest.
/// </summary>
public abstract class ForwardingFileSystem(IFtpFileSystem inner) : IFtpFileSystem
{
    protected IFtpFileSystem Inner => inner;

    public virtual ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken) => inner.GetInfoAsync(path, cancellationToken);

    public virtual IAsyncEnumerable<FtpFileInfo> ListAsync(string path, CancellationToken cancellationToken) => inner.ListAsync(path, cancellationToken);

    public virtual ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(path, offset, cancellationToken);

    public virtual ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
        => inner.OpenWriteAsync(path, mode, offset, cancellationToken);

    public virtual ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

    public virtual ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

    public virtual ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

    public virtual ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
        => inner.RenameAsync(sourcePath, destinationPath, cancellationToken);
}
