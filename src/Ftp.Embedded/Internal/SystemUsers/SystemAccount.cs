using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>An account of the machine, from the password database: its ids, supplementary groups and home directory.</summary>
internal sealed record SystemAccount(string Name, uint UserId, uint GroupId, uint[] Groups, string HomeDirectory);

/// <summary>Reads the password database through the C library (<c>getpwnam_r</c>, <c>getgrouplist</c>), so NSS sources count.</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class PasswordDatabase
{
    private const int RangeError = 34; // ERANGE
    private const int MaxBuffer = 1 << 20;
    private const int MaxGroups = 65536; // NGROUPS_MAX on Linux

    /// <summary>Looks up <paramref name="name"/>; <see langword="null"/> when there is no such account.</summary>
    /// <exception cref="IOException">The database could not be read.</exception>
    public static SystemAccount? Find(string name)
    {
        for (var size = 4096; size <= MaxBuffer; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* b = buffer)
            {
                Passwd entry;
                Passwd* found;
                var error = GetPasswordByName(name, &entry, b, (nuint)size, &found);
                if (error == RangeError)
                {
                    continue;
                }

                if (error != 0)
                {
                    throw new IOException($"getpwnam_r failed (errno {error}).");
                }

                if (found is null)
                {
                    return null;
                }

                var home = Marshal.PtrToStringUTF8((nint)entry.Directory) ?? "";
                return new SystemAccount(name, entry.UserId, entry.GroupId, GroupsOf(name, entry.GroupId), home);
            }
        }

        throw new IOException($"The password database entry of '{name}' is larger than {MaxBuffer} bytes.");
    }

    /// <summary>The primary group and every supplementary group of <paramref name="name"/>.</summary>
    private static uint[] GroupsOf(string name, uint primary)
    {
        var count = 32;
        while (true)
        {
            var groups = new uint[count];
            var wanted = count;
            fixed (uint* g = groups)
            {
                if (GetGroupList(name, primary, g, &wanted) >= 0)
                {
                    return groups.AsSpan(0, wanted).ToArray();
                }
            }

            if (wanted <= count || wanted > MaxGroups)
            {
                throw new IOException($"getgrouplist failed for '{name}'.");
            }

            count = wanted;
        }
    }

    /// <summary><c>struct passwd</c> (the same layout on every 64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint UserId;
        public uint GroupId;
        public byte* Gecos;
        public byte* Directory;
        public byte* Shell;
    }

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPasswordByName(string name, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGroupList(string name, uint group, uint* groups, int* count);
}
