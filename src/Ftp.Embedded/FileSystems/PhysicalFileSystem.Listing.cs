using System.Runtime.CompilerServices;
using Ftp.Embedded.Internal.FileSystems;

namespace Ftp.Embedded;

/// <summary>Entries and listings: what a path is, what a directory holds, links followed only inside the root.</summary>
public sealed partial class PhysicalFileSystem : IFtpNameListingFileSystem
{
    private static readonly EnumerationOptions ListOptions = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <inheritdoc/>
    public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        var host = _jail.Map(path);
        if (!_jail.IsInsideRoot(host))
        {
            return ValueTask.FromResult<FtpFileInfo?>(null);
        }

        FileSystemInfo info = new FileInfo(host);
        if (!info.Exists)
        {
            info = new DirectoryInfo(host);
            if (!info.Exists)
            {
                return ValueTask.FromResult<FtpFileInfo?>(null);
            }
        }

        return ValueTask.FromResult<FtpFileInfo?>(Describe(info, path == "/" ? "/" : info.Name));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var host = _jail.Map(path);
        if (!_jail.IsInsideRoot(host) || !Directory.Exists(host))
        {
            throw new DirectoryNotFoundException($"No directory '{path}'.");
        }

        if (UnixDirectoryReader.TryOpen(host, out var handle))
        {
            using (handle)
            {
                foreach (var (name, described) in UnixDirectoryReader.Read(host, handle!))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var entry = described ?? DescribeLink(Path.Join(host, name), name);
                    if (entry is not null)
                    {
                        yield return entry;
                    }
                }
            }

            yield break;
        }

        foreach (var info in new DirectoryInfo(host).EnumerateFileSystemInfos("*", ListOptions))
        {
            cancellationToken.ThrowIfCancellationRequested();
            FtpFileInfo? entry = null;
            try
            {
                // The attributes come with the enumeration; only links cost extra system calls.
                if ((info.Attributes & FileAttributes.ReparsePoint) == 0)
                {
                    entry = Describe(info, info.Name, isLink: false);
                }
                else if (_jail.IsInsideRoot(info.FullName))
                {
                    entry = Describe(info, info.Name);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Vanished or unreadable while listing: leave it out.
            }

            if (entry is not null)
            {
                yield return entry;
            }
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// On Linux the names come from the directory alone, without a <c>statx</c> per entry; only symbolic links are
    /// examined, to leave out those whose target lies outside the root, as <see cref="ListAsync"/> does.
    /// </remarks>
    public async IAsyncEnumerable<string> ListNamesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var host = _jail.Map(path);
        if (!_jail.IsInsideRoot(host) || !Directory.Exists(host))
        {
            throw new DirectoryNotFoundException($"No directory '{path}'.");
        }

        if (UnixDirectoryReader.TryOpenNames(host, out var stream))
        {
            using (stream)
            {
                foreach (var (name, kind) in UnixDirectoryReader.ReadNames(host, stream!))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (kind == UnixDirectoryReader.NameKind.Plain || DescribeLink(Path.Join(host, name), name) is not null)
                    {
                        yield return name;
                    }
                }
            }

            yield break;
        }

        await foreach (var entry in ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            yield return entry.Name;
        }
    }

    /// <summary>
    /// LIST and MLSD of <paramref name="path"/> from <c>getdents64</c> and <c>statx</c> straight into the data
    /// connection's buffers, or <see langword="null"/> where the caller must use <see cref="ListAsync"/> (off Linux, a
    /// path outside the root, or one that cannot be read as a directory).
    /// </summary>
    internal DirectoryBatchReader? OpenBatchReader(string path)
    {
        var host = _jail.Map(path);
        return _jail.IsInsideRoot(host) ? DirectoryBatchReader.TryOpen(host, DescribeLink) : null;
    }

    /// <summary>A symbolic link met while listing: described by its target when that stays inside the root, else left out.</summary>
    private FtpFileInfo? DescribeLink(string hostPath, string name)
    {
        try
        {
            FileSystemInfo info = Directory.Exists(hostPath) ? new DirectoryInfo(hostPath) : new FileInfo(hostPath);
            return _jail.IsInsideRoot(hostPath) ? Describe(info, name) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static FtpFileInfo Describe(FileSystemInfo info, string name, bool? isLink = null)
    {
        isLink ??= info.LinkTarget is not null;
        if (isLink == true && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            info = target;
        }

        var isDirectory = info is DirectoryInfo || (info.Attributes & FileAttributes.Directory) != 0;
        var length = !isDirectory && info is FileInfo file ? file.Length : isDirectory ? 0 : new FileInfo(info.FullName).Length;
        int? mode = OperatingSystem.IsWindows() ? null : (int)info.UnixFileMode;
        return new FtpFileInfo(name, isDirectory, length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) { UnixMode = mode, IsSymbolicLink = isLink == true };
    }
}
