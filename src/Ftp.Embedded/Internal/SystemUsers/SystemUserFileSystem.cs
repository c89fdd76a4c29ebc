using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using Ftp.Embedded.Internal.FileSystems;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>
/// A <see cref="PhysicalFileSystem"/> whose every call runs with the account's file-system ids and groups, so the kernel
/// checks the user's own permissions and new files belong to the user. Each call of the disk filesystem does its system
/// calls synchronously and returns a completed task; that is checked here, because work left for later would run
/// without the user's ids. Opened files are read and written afterwards without them: the kernel checked access at open.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class SystemUserFileSystem : IFtpFileSystem, IFtpModificationTimeFileSystem, IFtpAvailableSpaceFileSystem, IFtpAtomicUploadFileSystem
{
    private readonly PhysicalFileSystem _disk;
    private readonly PathJail _jail;
    private readonly SystemAccount _account;
    private readonly ILogger _logger;

    /// <summary>Creates the filesystem; call it with the account's ids, so that a root the user cannot reach is missing.</summary>
    public SystemUserFileSystem(SystemAccount account, string rootPath, ILogger logger)
    {
        _account = account;
        _logger = logger;
        _disk = new PhysicalFileSystem(rootPath);
        _jail = new PathJail(_disk.RootPath);
    }

    /// <summary>The account whose ids the calls run with.</summary>
    public SystemAccount Account => _account;

    /// <inheritdoc/>
    public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
        => AsUser((path, cancellationToken), static (disk, a) => disk.GetInfoAsync(a.path, a.cancellationToken));

    /// <inheritdoc/>
    public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The disk filesystem skips what it cannot read; a directory the user may not list is refused instead.
        _ = Run(path, static (fileSystem, p) => fileSystem.CheckListable(p));
        var entries = _disk.ListAsync(path, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await AsUser(entries, static (_, e) => e.MoveNextAsync()).ConfigureAwait(false))
            {
                yield return entries.Current;
            }
        }
        finally
        {
            await AsUser(entries, static (_, e) => e.DisposeAsync()).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
        => AsUser((path, offset, cancellationToken), static (disk, a) => disk.OpenReadAsync(a.path, a.offset, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
        => AsUser((path, mode, offset, cancellationToken), static (disk, a) => disk.OpenWriteAsync(a.path, a.mode, a.offset, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
        => AsUser((path, cancellationToken), static (disk, a) => disk.CreateDirectoryAsync(a.path, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
        => AsUser((path, cancellationToken), static (disk, a) => disk.DeleteFileAsync(a.path, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
        => AsUser((path, cancellationToken), static (disk, a) => disk.DeleteDirectoryAsync(a.path, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
        => AsUser((sourcePath, destinationPath, cancellationToken), static (disk, a) => disk.RenameAsync(a.sourcePath, a.destinationPath, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken)
        => AsUser((path, lastWriteTime, cancellationToken), static (disk, a) => disk.SetLastWriteTimeAsync(a.path, a.lastWriteTime, a.cancellationToken));

    /// <inheritdoc/>
    public ValueTask<long?> GetAvailableSpaceAsync(string path, CancellationToken cancellationToken)
        => AsUser((path, cancellationToken), static (disk, a) => disk.GetAvailableSpaceAsync(a.path, a.cancellationToken));

    /// <inheritdoc/>
    public async ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
    {
        var upload = await AsUser((path, cancellationToken), static (disk, a) => disk.BeginUploadAsync(a.path, a.cancellationToken)).ConfigureAwait(false);
        return new Upload(this, upload);
    }

    /// <summary>Runs <paramref name="action"/> with the account's ids; for work that is synchronous by nature.</summary>
    internal TResult Run<TState, TResult>(TState state, Func<SystemUserFileSystem, TState, TResult> action)
        => ThreadIdentity.Run(_account, _logger, (this, state, action), static s => s.action(s.Item1, s.state));

    private bool CheckListable(string path)
    {
        var host = _jail.Map(path);
        if (_jail.IsInsideRoot(host) && Directory.Exists(host))
        {
            // Opening the directory is what needs the permission; .NET throws UnauthorizedAccessException when it is missing.
            using var entries = Directory.EnumerateFileSystemEntries(host).GetEnumerator();
        }

        return true;
    }

    private ValueTask<TResult> AsUser<TState, TResult>(TState state, Func<PhysicalFileSystem, TState, ValueTask<TResult>> call)
        => Completed(Run((state, call), static (fs, s) => s.call(fs._disk, s.state)));

    private ValueTask AsUser<TState>(TState state, Func<PhysicalFileSystem, TState, ValueTask> call)
        => Completed(Run((state, call), static (fs, s) => s.call(fs._disk, s.state)));

    private ValueTask<TResult> Completed<TResult>(ValueTask<TResult> task)
        => task.IsCompleted ? task : throw NotSynchronous();

    private ValueTask Completed(ValueTask task)
        => task.IsCompleted ? task : throw NotSynchronous();

    private InvalidOperationException NotSynchronous()
    {
        FtpLog.SystemUserCallNotSynchronous(_logger, _account.Name);
        return new InvalidOperationException("A filesystem call of a system user did not complete while it had the user's ids.");
    }

    /// <summary>An upload whose commit (the rename) and discard (the delete) run with the account's ids.</summary>
    private sealed class Upload(SystemUserFileSystem fileSystem, IFtpUpload upload) : IFtpUpload
    {
        public Stream Stream => upload.Stream;

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            // Closed first, without the ids (closing needs none), so that the commit left is synchronous.
            await upload.Stream.DisposeAsync().ConfigureAwait(false);
            await fileSystem.Completed(fileSystem.Run((upload, cancellationToken), static (_, s) => s.upload.CommitAsync(s.cancellationToken))).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await upload.Stream.DisposeAsync().ConfigureAwait(false);
            await fileSystem.Completed(fileSystem.Run(upload, static (_, u) => u.DisposeAsync())).ConfigureAwait(false);
        }
    }
}
