using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace Ftp.Embedded.Internal.FileSystems;

/// <summary>
/// Lists a directory on Linux with one <c>statx</c> per entry relative to the directory's descriptor, instead of an
/// <c>lstat</c> of the full path: the kernel then resolves one name, not every component of the path again (a listing of
/// 10,000 entries spent a quarter of its time walking paths), and tells what a path names with one <c>statx</c>.
/// Elsewhere, or when <c>statx</c> is missing, callers use the portable .NET APIs.
/// </summary>
internal static partial class UnixDirectoryReader
{
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC (the same value on every Linux architecture)
    internal const int AtSymlinkNoFollow = 0x100;
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxType = 0x1; // STATX_TYPE
    private const int NoSuchEntry = 2; // ENOENT
    private const int NotADirectory = 20; // ENOTDIR
    internal const uint StatxWanted = 0x1 | 0x2 | 0x40 | 0x200; // STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_SIZE
    internal const int TypeMask = 0xF000; // S_IFMT
    internal const int TypeDirectory = 0x4000; // S_IFDIR
    internal const int TypeLink = 0xA000; // S_IFLNK

    private static readonly EnumerationOptions NamesOnly = new() { IgnoreInaccessible = true, AttributesToSkip = 0 };
    private static int s_available = OperatingSystem.IsLinux() ? 1 : 0; // 1 untried, 2 works, 0 unavailable

    /// <summary>
    /// Whether <c>statx</c> can be called: Linux, and a C library that has it (glibc 2.28 and later). Probed once, on
    /// first use.
    /// </summary>
    internal static bool StatxWorks()
    {
        var state = Volatile.Read(ref s_available);
        if (state != 1)
        {
            return state == 2;
        }

        try
        {
            _ = Statx(AtCurrentDirectory, "/", AtSymlinkNoFollow, StatxType, out _);
            Volatile.Write(ref s_available, 2);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            Volatile.Write(ref s_available, 0);
            return false;
        }
    }

    /// <summary>An entry: its description, or <see langword="null"/> for a symbolic link (the caller decides about those).</summary>
    public readonly record struct Entry(string Name, FtpFileInfo? Info);

    /// <summary>
    /// Opens <paramref name="directory"/> for <see cref="Read"/>. Returns <see langword="false"/> when the platform cannot
    /// list this way or the directory cannot be opened, so the caller falls back to the portable enumeration.
    /// </summary>
    public static bool TryOpen(string directory, out SafeDirectoryHandle? handle)
    {
        handle = null;
        if (!StatxWorks())
        {
            return false;
        }

        var fd = Open(directory, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return false;
        }

        handle = new SafeDirectoryHandle(fd);
        return true;
    }

    /// <summary>The entries of the directory opened by <see cref="TryOpen"/>; entries that vanish meanwhile are left out.</summary>
    public static IEnumerable<Entry> Read(string directory, SafeDirectoryHandle handle)
    {
        var names = new FileSystemEnumerable<string>(directory, static (ref FileSystemEntry entry) => entry.FileName.ToString(), NamesOnly);
        foreach (var name in names)
        {
            if (Describe(handle, name, out var isLink) is { } info)
            {
                yield return new Entry(name, info);
            }
            else if (isLink)
            {
                yield return new Entry(name, null);
            }
        }
    }

    /// <summary>
    /// Describes the entry <paramref name="name"/> of the directory <paramref name="handle"/> with one <c>statx</c>:
    /// <see langword="null"/> when it vanished or cannot be read, or when it is a symbolic link (then
    /// <paramref name="isLink"/> is set and the caller decides).
    /// </summary>
    public static FtpFileInfo? Describe(SafeDirectoryHandle handle, string name, out bool isLink)
    {
        isLink = false;
        var fd = (int)handle.DangerousGetHandle();
        if (Statx(fd, name, AtSymlinkNoFollow, StatxWanted, out var status) != 0)
        {
            return null; // vanished or unreadable while listing
        }

        var type = status.Mode & TypeMask;
        if (type == TypeLink)
        {
            isLink = true;
            return null;
        }

        var isDirectory = type == TypeDirectory;
        var modified = DateTimeOffset.FromUnixTimeSeconds(status.MtimeSeconds).AddTicks(status.MtimeNanoseconds / 100);
        return new FtpFileInfo(name, isDirectory, isDirectory ? 0 : (long)status.Size, modified) { UnixMode = status.Mode & 0xFFF };
    }

    /// <summary>What a path names, without following a link at its end.</summary>
    public enum EntryKind
    {
        Missing,
        Link,
        Other,
    }

    /// <summary>
    /// Tells what <paramref name="path"/> names with one <c>statx</c> (no link followed at its end). Returns
    /// <see langword="false"/> where that is not available; throws <see cref="IOException"/> when the entry exists but
    /// cannot be examined.
    /// </summary>
    public static bool TryGetKind(string path, out EntryKind kind)
    {
        kind = EntryKind.Missing;
        if (!StatxWorks())
        {
            return false;
        }

        if (Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, out var status) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is NoSuchEntry or NotADirectory)
            {
                return true;
            }

            throw new IOException($"Cannot examine '{path}' (errno {errno}).");
        }

        kind = (status.Mode & TypeMask) == TypeLink ? EntryKind.Link : EntryKind.Other;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseDescriptor(int fd);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary><c>struct statx</c> from linux/stat.h: 256 bytes, the same layout on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort RawMode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long MtimeSeconds;

        [FieldOffset(120)]
        public uint MtimeNanoseconds;

        public readonly int Mode => RawMode;
    }

    /// <summary>An open directory descriptor.</summary>
    internal sealed class SafeDirectoryHandle : SafeHandle
    {
        public SafeDirectoryHandle(int fd)
            : base(new IntPtr(-1), ownsHandle: true) => SetHandle(fd);

        public override bool IsInvalid => handle.ToInt64() < 0;

        protected override bool ReleaseHandle() => CloseDescriptor((int)handle) == 0;
    }
}
