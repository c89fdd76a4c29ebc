using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using Ftp.Embedded.Internal.Protocol;
using static Ftp.Embedded.Internal.FileSystems.UnixDirectoryReader;

namespace Ftp.Embedded.Internal.FileSystems;

/// <summary>
/// LIST and MLSD of a directory on Linux written straight into the data connection's buffers: the entries come in
/// batches from <c>getdents64</c>, each is examined with one <c>statx</c> of its name bytes relative to the directory's
/// descriptor, and its line is formatted from those bytes and the stat fields, without a string or an
/// <see cref="FtpFileInfo"/> per entry. Symbolic links, names that are not valid UTF-8 and times out of range take the
/// route of <see cref="UnixDirectoryReader.Read"/>, so the lines are the same as the general path's.
/// </summary>
internal sealed unsafe partial class DirectoryBatchReader : IDisposable
{
    private const int BufferSize = 32 * 1024;
    private const int DirectoryEntryLengthOffset = 16;
    private const int DirectoryEntryNameOffset = 19;
    private const long MinSeconds = -62_135_596_800; // 0001-01-01, the first second DateTimeOffset holds
    private const long MaxSeconds = 253_402_300_798; // 9999-12-31 23:59:58, so the nanoseconds cannot overflow it

    private static int s_available = 1; // 0 once getdents64 is found missing from the C library

    private readonly SafeDirectoryHandle _handle;
    private readonly string _directory;
    private readonly Func<string, string, FtpFileInfo?> _describeLink;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _offset;
    private int _length;
    private bool _end;
    private bool _started;

    private DirectoryBatchReader(SafeDirectoryHandle handle, string directory, Func<string, string, FtpFileInfo?> describeLink)
    {
        _handle = handle;
        _directory = directory;
        _describeLink = describeLink;
    }

    /// <summary>
    /// Opens <paramref name="directory"/> (a host path inside the root) and reads its first batch. Returns
    /// <see langword="null"/> off Linux, without <c>statx</c> or <c>getdents64</c>, or when it cannot be read as a
    /// directory: the caller then takes the general path. <paramref name="describeLink"/> gets a link's host path and name.
    /// </summary>
    public static DirectoryBatchReader? TryOpen(string directory, Func<string, string, FtpFileInfo?> describeLink)
    {
        if (Volatile.Read(ref s_available) == 0 || !UnixDirectoryReader.TryOpen(directory, out var handle))
        {
            return null;
        }

        var reader = new DirectoryBatchReader(handle!, directory, describeLink);
        try
        {
            if (reader.Fill() >= 0)
            {
                return reader;
            }
        }
        catch (EntryPointNotFoundException)
        {
            Volatile.Write(ref s_available, 0);
        }

        reader.Dispose();
        return null;
    }

    /// <summary>
    /// Writes lines until more than <paramref name="threshold"/> bytes wait unflushed in <paramref name="writer"/> or the
    /// directory ends; returns whether entries may remain (the caller flushes and calls again).
    /// </summary>
    public bool WriteSome(PipeWriter writer, IListingLineWriter lines, long threshold)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        while (writer.UnflushedBytes <= threshold)
        {
            if (_offset >= _length && (_end || Fill() == 0))
            {
                return false;
            }

            var record = _buffer.AsSpan(_offset, _length - _offset);
            int length = MemoryMarshal.Read<ushort>(record[DirectoryEntryLengthOffset..]);
            var field = record[DirectoryEntryNameOffset..length];
            _offset += length;
            var end = field.IndexOf((byte)0);
            if (end > 0)
            {
                WriteEntry(writer, lines, field[..end]);
            }
        }

        return true;
    }

    /// <summary>Reads the next batch: its length, 0 at the end, -1 (first batch only) when the directory cannot be read.</summary>
    private int Fill()
    {
        nint read;
        fixed (byte* buffer = _buffer)
        {
            read = GetDirectoryEntries((int)_handle.DangerousGetHandle(), buffer, (nuint)_buffer!.Length);
        }

        if (read < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (!_started)
            {
                return -1;
            }

            throw new IOException($"Cannot read the directory (errno {errno}).");
        }

        _started = true;
        _offset = 0;
        _length = (int)read;
        _end = read == 0;
        return _length;
    }

    private void WriteEntry(PipeWriter writer, IListingLineWriter lines, ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8) || IsUploadName(name))
        {
            return;
        }

        StatxBuffer status;
        int result;
        fixed (byte* path = name)
        {
            // The name is followed by its NUL in the batch buffer: a C string as it stands.
            result = StatxAt((int)_handle.DangerousGetHandle(), path, AtSymlinkNoFollow, StatxWanted, &status);
        }

        if (result != 0)
        {
            return; // vanished or unreadable while listing
        }

        var type = status.Mode & TypeMask;
        if (type == TypeLink || status.MtimeSeconds is < MinSeconds or > MaxSeconds || !System.Text.Unicode.Utf8.IsValid(name))
        {
            WriteDescribed(writer, lines, name);
            return;
        }

        var isDirectory = type == TypeDirectory;
        var ticks = DateTime.UnixEpoch.Ticks + (status.MtimeSeconds * TimeSpan.TicksPerSecond) + (status.MtimeNanoseconds / 100);
        lines.Write(writer, new RawListingEntry(name, isDirectory, isDirectory ? 0 : (long)status.Size, ticks, status.Mode & 0xFFF));
    }

    /// <summary>The general route for the rare entry: a string name, an <see cref="FtpFileInfo"/>, links followed inside the root.</summary>
    private void WriteDescribed(PipeWriter writer, IListingLineWriter lines, ReadOnlySpan<byte> bytes)
    {
        var name = Encoding.UTF8.GetString(bytes);
        if (UploadTemporaryName.Matches(name))
        {
            return;
        }

        var entry = Describe(_handle, name, out var isLink) ?? (isLink ? _describeLink(Path.Join(_directory, name), name) : null);
        if (entry is not null)
        {
            lines.Write(writer, entry);
        }
    }

    private static bool IsUploadName(ReadOnlySpan<byte> name)
    {
        if (name.Length != UploadTemporaryName.Length || name[0] != (byte)'.' || !System.Text.Ascii.IsValid(name))
        {
            return false;
        }

        Span<char> chars = stackalloc char[UploadTemporaryName.Length];
        System.Text.Ascii.ToUtf16(name, chars, out _);
        return UploadTemporaryName.Matches(chars);
    }

    public void Dispose()
    {
        _handle.Dispose();
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDirectoryEntries(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "statx")]
    private static partial int StatxAt(int directoryFd, byte* path, int flags, uint mask, StatxBuffer* buffer);
}
