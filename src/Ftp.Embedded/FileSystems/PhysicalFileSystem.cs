using System.Runtime.CompilerServices;
using Ftp.Embedded.Internal.FileSystems;

namespace Ftp.Embedded;

/// <summary>
/// A filesystem over a host directory, jailed to it: every virtual path maps below the root, and a symbolic link whose
/// target lies outside the root is treated as missing.
/// </summary>
public sealed partial class PhysicalFileSystem : IFtpFileSystem, IFtpModificationTimeFileSystem, IFtpAvailableSpaceFileSystem, IFtpAtomicUploadFileSystem
{
    private static readonly EnumerationOptions ListOptions = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly string _rootWithSeparator;

    /// <summary>Creates a filesystem whose <c>/</c> is <paramref name="rootPath"/>.</summary>
    /// <param name="rootPath">An existing host directory.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public PhysicalFileSystem(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        var full = Path.GetFullPath(rootPath);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"The FTP root '{full}' does not exist.");
        }

        // Resolve links in the root itself once, so that checks compare real paths.
        RootPath = Path.TrimEndingDirectorySeparator(ResolveReal(full));
        _rootWithSeparator = RootPath.EndsWith(Path.DirectorySeparatorChar) ? RootPath : RootPath + Path.DirectorySeparatorChar;
    }

    /// <summary>The host directory that is this filesystem's <c>/</c> (full path).</summary>
    public string RootPath { get; }

    /// <inheritdoc/>
    public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        var host = Map(path);
        if (!IsInsideRoot(host))
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
        var host = Map(path);
        if (!IsInsideRoot(host) || !Directory.Exists(host))
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
                else if (IsInsideRoot(info.FullName))
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
    public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var host = MapExisting(path);
        var stream = new FileStream(host, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (offset > 0)
        {
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        }

        return ValueTask.FromResult<Stream>(stream);
    }

    /// <inheritdoc/>
    public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
    {
        var host = MapForCreate(path);
        if (Directory.Exists(host))
        {
            throw new IOException($"'{path}' is a directory.");
        }

        FileStream stream;
        switch (mode)
        {
            case FtpWriteMode.Create:
                stream = CreateFile(host);
                break;
            case FtpWriteMode.Append:
                stream = new FileStream(host, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
                break;
            default:
                stream = new FileStream(host, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
                if (offset < 0 || offset > stream.Length)
                {
                    stream.Dispose();
                    throw new FtpException(FtpReplyCode.SyntaxErrorInArguments, "Restart offset is beyond the end of the file.");
                }

                if (stream.Length != offset)
                {
                    stream.SetLength(offset);
                }

                stream.Seek(offset, SeekOrigin.Begin);
                break;
        }

        return ValueTask.FromResult<Stream>(stream);
    }

    /// <summary>
    /// Creates or replaces a file. A new file is created as new rather than truncated: .NET truncates a
    /// <see cref="FileMode.Create"/> file after opening it, and on ext4 a truncation to zero makes the file's close
    /// write all its pages back at once (auto_da_alloc), on the session's thread (a third of an upload's CPU).
    /// </summary>
    internal static FileStream CreateFile(string host)
    {
        try
        {
            return new FileStream(host, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
        }
        catch (IOException)
        {
            // It exists (or cannot be created: then this throws the real reason).
            return new FileStream(host, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
        }
    }

    /// <inheritdoc/>
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var host = MapForCreate(path);
        if (Path.Exists(host))
        {
            throw new IOException($"'{path}' exists already.");
        }

        Directory.CreateDirectory(host);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        var host = MapForCreate(path);
        if (Directory.Exists(host))
        {
            throw new IOException($"'{path}' is a directory.");
        }

        if (!File.Exists(host) && new FileInfo(host).LinkTarget is null)
        {
            throw new FileNotFoundException($"No file '{path}'.");
        }

        File.Delete(host);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (path == "/")
        {
            throw new IOException("The root cannot be removed.");
        }

        var host = MapExisting(path);
        if (!Directory.Exists(host))
        {
            throw new DirectoryNotFoundException($"No directory '{path}'.");
        }

        Directory.Delete(host, recursive: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        if (sourcePath == "/" || destinationPath == "/")
        {
            throw new IOException("The root cannot be renamed.");
        }

        var from = MapForCreate(sourcePath);
        var to = MapForCreate(destinationPath);
        if (Directory.Exists(from) && new DirectoryInfo(from).LinkTarget is null)
        {
            if (to.StartsWith(from + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new IOException("A directory cannot be moved into itself.");
            }

            Directory.Move(from, to);
        }
        else if (File.Exists(from) || new FileInfo(from).LinkTarget is not null)
        {
            if (Directory.Exists(to))
            {
                throw new IOException($"'{destinationPath}' is a directory.");
            }

            File.Move(from, to, overwrite: true);
        }
        else
        {
            throw new FileNotFoundException($"No file or directory '{sourcePath}'.");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken)
    {
        var host = MapExisting(path);
        if (Directory.Exists(host))
        {
            Directory.SetLastWriteTimeUtc(host, lastWriteTime.UtcDateTime);
        }
        else
        {
            File.SetLastWriteTimeUtc(host, lastWriteTime.UtcDateTime);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>The free space of the volume that holds the path, as the operating system reports it for this process.</remarks>
    public ValueTask<long?> GetAvailableSpaceAsync(string path, CancellationToken cancellationToken)
    {
        var host = MapExisting(path);
        if (!Directory.Exists(host))
        {
            host = Path.GetDirectoryName(host) ?? RootPath;
        }

        try
        {
            return ValueTask.FromResult<long?>(new DriveInfo(host).AvailableFreeSpace);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return ValueTask.FromResult<long?>(null);
        }
    }

    /// <summary>Maps a virtual path below the root, lexically (no link is followed here).</summary>
    private string Map(string path)
    {
        if (!path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a normalised absolute path.", nameof(path));
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a normalised absolute path.", nameof(path));
        }

        return segments.Length == 0 ? RootPath : Path.Join(RootPath, string.Join(Path.DirectorySeparatorChar, segments));
    }

    /// <summary>Maps an entry that must exist and lie inside the root after following links.</summary>
    private string MapExisting(string path)
    {
        var host = Map(path);
        if (!IsInsideRoot(host) || !Path.Exists(host))
        {
            throw new FileNotFoundException($"No file or directory '{path}'.");
        }

        return host;
    }

    /// <summary>Maps an entry that may not exist yet: its parent must exist inside the root.</summary>
    internal string MapForCreate(string path)
    {
        var host = Map(path);
        var parent = Path.GetDirectoryName(host);
        if (host == RootPath || parent is null || !IsInsideRoot(parent) || !Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"The directory of '{path}' does not exist.");
        }

        // An existing entry that is a link leading outside the root must not be written through.
        if (new FileInfo(host).LinkTarget is not null && !IsInsideRoot(host))
        {
            throw new UnauthorizedAccessException($"'{path}' leads outside the root.");
        }

        return host;
    }

    /// <summary>Whether <paramref name="host"/>, with every link on its way resolved, lies inside the root.</summary>
    private bool IsInsideRoot(string host)
    {
        string real;
        try
        {
            // The root is a real path already (resolved once, in the constructor): only what lies below it is resolved.
            var full = Path.GetFullPath(host);
            real = full == RootPath ? RootPath
                : full.StartsWith(_rootWithSeparator, StringComparison.Ordinal) ? ResolveReal(RootPath, full[_rootWithSeparator.Length..])
                : ResolveReal(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return real == RootPath || real.StartsWith(_rootWithSeparator, StringComparison.Ordinal);
    }

    /// <summary>Resolves links in every existing component of <paramref name="path"/> (like realpath for the existing prefix).</summary>
    private static string ResolveReal(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        return ResolveReal(root, full[root.Length..]);
    }

    /// <summary>
    /// Resolves <paramref name="relative"/> below <paramref name="start"/>, a real directory: one system call per existing
    /// component (<c>statx</c> on Linux, <c>lstat</c> elsewhere), and a link's target resolved in full.
    /// </summary>
    private static string ResolveReal(string start, string relative)
    {
        var current = start;
        var parts = relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Join(current, parts[i]);
            var kind = KindOf(next);
            if (kind == UnixDirectoryReader.EntryKind.Missing)
            {
                // The rest does not exist: nothing more to resolve.
                return Path.Join([next, .. parts[(i + 1)..]]);
            }

            if (kind == UnixDirectoryReader.EntryKind.Link && new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                next = Path.GetFullPath(target.FullName);
                if (target.FullName != next)
                {
                    next = ResolveReal(next);
                }
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : Path.GetPathRoot(current)!;
    }

    private static UnixDirectoryReader.EntryKind KindOf(string path)
    {
        if (UnixDirectoryReader.TryGetKind(path, out var kind))
        {
            return kind;
        }

        FileSystemInfo info = new FileInfo(path);
        var attributes = info.Attributes;
        return attributes == (FileAttributes)(-1) ? UnixDirectoryReader.EntryKind.Missing
            : (attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is not null ? UnixDirectoryReader.EntryKind.Link
            : UnixDirectoryReader.EntryKind.Other;
    }

    /// <summary>A symbolic link met while listing: described by its target when that stays inside the root, else left out.</summary>
    private FtpFileInfo? DescribeLink(string hostPath, string name)
    {
        try
        {
            FileSystemInfo info = Directory.Exists(hostPath) ? new DirectoryInfo(hostPath) : new FileInfo(hostPath);
            return IsInsideRoot(hostPath) ? Describe(info, name) : null;
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
