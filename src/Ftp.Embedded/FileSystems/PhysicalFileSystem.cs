using Ftp.Embedded.Internal.FileSystems;

namespace Ftp.Embedded;

/// <summary>
/// A filesystem over a host directory, jailed to it: every virtual path maps below the root, and a symbolic link whose
/// target lies outside the root is treated as missing.
/// </summary>
public sealed partial class PhysicalFileSystem : IFtpFileSystem, IFtpModificationTimeFileSystem, IFtpAvailableSpaceFileSystem, IFtpAtomicUploadFileSystem,
    IFtpUnixModeFileSystem
{
    private readonly PathJail _jail;

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

        _jail = new PathJail(full);
    }

    /// <summary>The host directory that is this filesystem's <c>/</c> (full path).</summary>
    public string RootPath => _jail.RootPath;

    /// <inheritdoc/>
    public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var host = _jail.MapExisting(path);
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
        var host = _jail.MapForCreate(path);
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
        var host = _jail.MapForCreate(path);
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
        var host = _jail.MapForCreate(path);
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

        var host = _jail.MapExisting(path);
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

        var from = _jail.MapForCreate(sourcePath);
        var to = _jail.MapForCreate(destinationPath);
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
        var host = _jail.MapExisting(path);
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
    /// <remarks>With <see cref="File.SetUnixFileMode(string, UnixFileMode)"/>; on Windows it throws <see cref="PlatformNotSupportedException"/> (502).</remarks>
    public ValueTask SetUnixModeAsync(string path, int mode, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mode, 511);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix permission bits cannot be set on Windows.");
        }

        File.SetUnixFileMode(_jail.MapExisting(path), (UnixFileMode)mode);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>The free space of the volume that holds the path, as the operating system reports it for this process.</remarks>
    public ValueTask<long?> GetAvailableSpaceAsync(string path, CancellationToken cancellationToken)
    {
        var host = _jail.MapExisting(path);
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

    /// <summary>Maps an entry that may not exist yet: its parent must exist inside the root.</summary>
    internal string MapForCreate(string path) => _jail.MapForCreate(path);
}
