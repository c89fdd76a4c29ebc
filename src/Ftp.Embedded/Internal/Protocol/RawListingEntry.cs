namespace Ftp.Embedded.Internal.Protocol;

/// <summary>
/// A directory entry as the disk reports it, for formatting without an <see cref="FtpFileInfo"/> or a string: the name
/// is valid UTF-8 (the caller checks), the time UTC ticks, the mode the permission bits (<c>st_mode &amp; 07777</c>).
/// </summary>
internal readonly ref struct RawListingEntry
{
    public RawListingEntry(ReadOnlySpan<byte> name, bool isDirectory, long size, long lastWriteTicks, int mode)
    {
        Name = name;
        IsDirectory = isDirectory;
        Size = size;
        LastWriteTicks = lastWriteTicks;
        Mode = mode;
    }

    public ReadOnlySpan<byte> Name { get; }

    public bool IsDirectory { get; }

    public long Size { get; }

    public long LastWriteTicks { get; }

    public int Mode { get; }
}

/// <summary>Writes one listing line, from an <see cref="FtpFileInfo"/> or from a <see cref="RawListingEntry"/>, with the same bytes.</summary>
internal interface IListingLineWriter
{
    /// <summary>Writes the line of a described entry.</summary>
    void Write(System.Buffers.IBufferWriter<byte> output, FtpFileInfo entry);

    /// <summary>Writes the line of a raw entry.</summary>
    void Write(System.Buffers.IBufferWriter<byte> output, in RawListingEntry entry);
}
