namespace Ftp.Embedded;

/// <summary>One file or directory as a filesystem reports it.</summary>
/// <param name="Name">The entry's name (no directory part).</param>
/// <param name="IsDirectory">Whether the entry is a directory.</param>
/// <param name="Length">The size in bytes (0 for directories).</param>
/// <param name="LastWriteTime">The last modification time.</param>
public sealed record FtpFileInfo(string Name, bool IsDirectory, long Length, DateTimeOffset LastWriteTime)
{
    /// <summary>Unix permission bits (for example <c>0644</c>), or <see langword="null"/> to use the listing default.</summary>
    public int? UnixMode { get; init; }

    /// <summary>Whether the entry is a symbolic link (listed with type <c>l</c>).</summary>
    public bool IsSymbolicLink { get; init; }
}
