using System.Runtime.InteropServices;

namespace Ftp.Embedded.Internal.FileSystems;

/// <summary>Names only, for NLST: <c>opendir</c>/<c>readdir</c>, with no <c>statx</c> per entry.</summary>
internal static partial class UnixDirectoryReader
{
    private const byte DirectoryEntryUnknown = 0; // DT_UNKNOWN
    private const byte DirectoryEntryLink = 10; // DT_LNK
    private const int DirectoryEntryTypeOffset = 18;
    private const int DirectoryEntryNameOffset = 19;

    /// <summary>What the directory itself says of an entry's type (<c>d_type</c>), without examining the entry.</summary>
    public enum NameKind
    {
        /// <summary>Not a symbolic link.</summary>
        Plain,

        /// <summary>A symbolic link: the caller decides whether to name it.</summary>
        Link,
    }

    /// <summary>
    /// Opens <paramref name="directory"/> for <see cref="ReadNames"/> with <c>opendir</c>. Returns <see langword="false"/>
    /// off Linux or when it cannot be opened, so the caller falls back to the portable enumeration.
    /// </summary>
    public static bool TryOpenNames(string directory, out DirectoryStreamHandle? stream)
    {
        stream = null;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var dir = OpenDirectory(directory);
        if (dir == IntPtr.Zero)
        {
            return false;
        }

        stream = new DirectoryStreamHandle(dir);
        return true;
    }

    /// <summary>
    /// The names in a directory opened by <see cref="TryOpenNames"/>, read with <c>readdir</c> (which fetches entries in
    /// batches with <c>getdents64</c>): no system call per entry, except for one whose type the filesystem does not report.
    /// </summary>
    public static IEnumerable<(string Name, NameKind Kind)> ReadNames(string directory, DirectoryStreamHandle stream)
    {
        while (NextEntry(stream, out var name, out var type))
        {
            if (name is "." or "..")
            {
                continue;
            }

            if (type == DirectoryEntryUnknown)
            {
                EntryKind kind;
                try
                {
                    if (!TryGetKind(Path.Join(directory, name), out kind) || kind == EntryKind.Missing)
                    {
                        continue;
                    }
                }
                catch (IOException)
                {
                    continue; // unreadable: ListAsync leaves it out too
                }

                type = kind == EntryKind.Link ? DirectoryEntryLink : (byte)1;
            }

            yield return (name, type == DirectoryEntryLink ? NameKind.Link : NameKind.Plain);
        }
    }

    private static bool NextEntry(DirectoryStreamHandle stream, out string name, out byte type)
    {
        var entry = ReadDirectory(stream.DangerousGetHandle());
        if (entry == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 0)
            {
                throw new IOException($"Cannot read the directory (errno {errno}).");
            }

            name = "";
            type = 0;
            return false;
        }

        // struct dirent on 64-bit Linux (glibc and musl): d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
        type = Marshal.ReadByte(entry, DirectoryEntryTypeOffset);
        name = Marshal.PtrToStringUTF8(entry + DirectoryEntryNameOffset) ?? "";
        return true;
    }

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr OpenDirectory(string path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial IntPtr ReadDirectory(IntPtr stream);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDirectory(IntPtr stream);

    /// <summary>An open directory stream (<c>DIR*</c>).</summary>
    internal sealed class DirectoryStreamHandle : SafeHandle
    {
        public DirectoryStreamHandle(IntPtr stream)
            : base(IntPtr.Zero, ownsHandle: true) => SetHandle(stream);

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => CloseDirectory(handle) == 0;
    }
}
