namespace Ftp.Embedded;

/// <summary>Creates the filesystem a logged-in user sees.</summary>
/// <remarks>
/// Register an implementation with <c>UseFileSystem&lt;T&gt;()</c> (which registers <c>T</c> itself as a singleton) or pass
/// one to <see cref="FtpServer.Create"/>. A provider may also implement <see cref="IFtpStaleUploadCleanup"/> to remove
/// what a crashed process left behind when the server starts.
/// </remarks>
public interface IFtpFileSystemProvider
{
    /// <summary>
    /// What every filesystem this provider returns can do beyond <see cref="IFtpFileSystem"/>. FEAT is generated from it,
    /// before and after login, so it must match the interfaces the filesystems implement (the conformance kit in
    /// <c>Ftp.Embedded.Testing</c> checks it). The default is <see cref="FtpFileSystemCapabilities.None"/>.
    /// </summary>
    FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.None;

    /// <summary>Returns the filesystem for <paramref name="user"/>, rooted at the user's home directory.</summary>
    /// <param name="user">The logged-in user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user's filesystem.</returns>
    /// <exception cref="DirectoryNotFoundException">The user's home directory does not exist: the login is refused with 530.</exception>
    /// <exception cref="FtpException">The login is refused with the exception's code and message.</exception>
    ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken);
}
