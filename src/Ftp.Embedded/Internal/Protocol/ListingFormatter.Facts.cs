using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>MLSD/MLST fact lines (RFC 3659 section 7): the facts a client selects and the perm letters of a user.</summary>
internal static partial class ListingFormatter
{
    /// <summary>
    /// Writes an MLSD/MLST line: <c>type=file;size=6;modify=20261124130500;perm=adfrw; name\r\n</c>, with
    /// a leading space when <paramref name="leadingSpace"/> is set (MLST's control-connection line).
    /// </summary>
    public static void WriteFactsLine(IBufferWriter<byte> output, FtpFileInfo entry, string path, MlstFacts facts, FtpUser user, string name, bool leadingSpace = false, string? typeOverride = null)
        => WriteFactsLine(output, entry, VirtualPath.GetParent(path), VirtualPath.GetName(path), facts, user, name, leadingSpace, typeOverride);

    /// <summary>As above, for an entry <paramref name="entryName"/> of <paramref name="directory"/>, without building its path.</summary>
    public static void WriteFactsLine(IBufferWriter<byte> output, FtpFileInfo entry, string directory, string entryName, MlstFacts facts, FtpUser user, string name, bool leadingSpace = false, string? typeOverride = null)
    {
        var span = output.GetSpan(160 + Encoding.UTF8.GetMaxByteCount(name.Length));
        var written = 0;
        if (leadingSpace)
        {
            span[written++] = (byte)' ';
        }

        if (facts.HasFlag(MlstFacts.Type))
        {
            written += Ascii(span[written..], "type=");
            written += Ascii(span[written..], typeOverride ?? (entry.IsDirectory ? "dir" : "file"));
            span[written++] = (byte)';';
        }

        if (facts.HasFlag(MlstFacts.Size) && !entry.IsDirectory)
        {
            Utf8.TryWrite(span[written..], CultureInfo.InvariantCulture, $"size={entry.Length};", out var n);
            written += n;
        }

        if (facts.HasFlag(MlstFacts.Modify))
        {
            var t = entry.LastWriteTime.UtcDateTime;
            Utf8.TryWrite(span[written..], CultureInfo.InvariantCulture, $"modify={t:yyyyMMddHHmmss};", out var n);
            written += n;
        }

        if (facts.HasFlag(MlstFacts.Perm))
        {
            written += Ascii(span[written..], "perm=");
            written += Ascii(span[written..], Permissions(entry.IsDirectory, user, user.UploadOnlyDirectory is { } folder && VirtualPath.IsInFolder(VirtualPath.Combine(directory, entryName), folder)));
            span[written++] = (byte)';';
        }

        if (facts.HasFlag(MlstFacts.Unique))
        {
            Utf8.TryWrite(span[written..], CultureInfo.InvariantCulture, $"unique={Unique(directory, entryName):x16};", out var n);
            written += n;
        }

        if (facts.HasFlag(MlstFacts.UnixMode))
        {
            written += WriteUnixMode(span[written..], entry.UnixMode ?? (entry.IsDirectory ? 0b111_101_101 : 0b110_100_100));
        }

        span[written++] = (byte)' ';
        written += WriteName(span[written..], name);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary>Writes <c>unix.mode=0644;</c>, with a fourth digit when setuid, setgid or sticky bits are set.</summary>
    private static int WriteUnixMode(Span<byte> span, int mode)
    {
        var written = Ascii(span, "unix.mode=0");
        var digits = (mode & 0xE00) != 0 ? 4 : 3;
        for (var i = digits - 1; i >= 0; i--)
        {
            span[written++] = (byte)('0' + ((mode >> (3 * i)) & 7));
        }

        span[written++] = (byte)';';
        return written;
    }

    /// <summary>The FEAT line's fact list: every supported fact, the selected ones marked with <c>*</c>.</summary>
    public static string FeatFacts(TransferSettings settings)
    {
        var selected = settings.MlstFacts;
        var builder = new StringBuilder();
        foreach (var (fact, name) in FactNames)
        {
            builder.Append(name).Append(selected.HasFlag(fact) ? "*;" : ";");
        }

        return builder.ToString();
    }

    /// <summary>Parses <c>OPTS MLST type;size;</c>: unknown facts are ignored (RFC 3659 section 7.9).</summary>
    public static MlstFacts ParseFacts(string value)
    {
        var facts = MlstFacts.None;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var (fact, name) in FactNames)
            {
                if (part.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    facts |= fact;
                }
            }
        }

        return facts;
    }

    /// <summary>The selected facts as <c>type;size;</c> for the OPTS MLST reply.</summary>
    public static string SelectedFacts(MlstFacts facts)
    {
        var builder = new StringBuilder();
        foreach (var (fact, name) in FactNames)
        {
            if (facts.HasFlag(fact))
            {
                builder.Append(name).Append(';');
            }
        }

        return builder.ToString();
    }

    private static readonly (MlstFacts Fact, string Name)[] FactNames =
    [
        (MlstFacts.Type, "type"), (MlstFacts.Size, "size"), (MlstFacts.Modify, "modify"), (MlstFacts.Perm, "perm"),
        (MlstFacts.Unique, "unique"), (MlstFacts.UnixMode, "unix.mode"),
    ];

    private static readonly string?[] PermissionCache = new string?[(int)FtpPermissions.All + 1 << 2];

    /// <summary>RFC 3659 section 7.5.5 perm letters from what the user may do (cached: a handful of combinations exist).</summary>
    private static string Permissions(bool isDirectory, FtpUser user, bool uploadOnly)
    {
        var key = ((int)user.Permissions << 2) | (isDirectory ? 2 : 0) | (uploadOnly ? 1 : 0);
        return PermissionCache[key] ??= BuildPermissions(isDirectory, user, uploadOnly);
    }

    private static string BuildPermissions(bool isDirectory, FtpUser user, bool uploadOnly)
    {
        var builder = new StringBuilder(8);
        if (isDirectory)
        {
            AppendDirectoryPermissions(builder, user, uploadOnly);
        }
        else
        {
            AppendFilePermissions(builder, user, uploadOnly);
        }

        return builder.ToString();
    }

    private static void AppendDirectoryPermissions(StringBuilder builder, FtpUser user, bool uploadOnly)
    {
        if (user.Can(FtpPermissions.Write) || uploadOnly)
        {
            builder.Append('c');
        }

        if (user.Can(FtpPermissions.Delete))
        {
            builder.Append('d');
        }

        builder.Append('e');
        if (user.Can(FtpPermissions.Rename))
        {
            builder.Append('f');
        }

        if (user.Can(FtpPermissions.Read) && !uploadOnly)
        {
            builder.Append('l');
        }

        if (user.Can(FtpPermissions.CreateDirectory))
        {
            builder.Append('m');
        }

        if (user.Can(FtpPermissions.Delete))
        {
            builder.Append('p');
        }
    }

    private static void AppendFilePermissions(StringBuilder builder, FtpUser user, bool uploadOnly)
    {
        if (user.Can(FtpPermissions.Write))
        {
            builder.Append('a');
        }

        if (user.Can(FtpPermissions.Delete))
        {
            builder.Append('d');
        }

        if (user.Can(FtpPermissions.Rename))
        {
            builder.Append('f');
        }

        if (user.Can(FtpPermissions.Read) && !uploadOnly)
        {
            builder.Append('r');
        }

        if (user.Can(FtpPermissions.Write))
        {
            builder.Append('w');
        }
    }

    /// <summary>FNV-1a over the entry's virtual path: stable across sessions, reveals nothing of the host.</summary>
    private static ulong Unique(string directory, string name) => UniqueOfName(UniqueSeed(directory), name);

    /// <summary>The hash of <c>directory/</c>, to continue with each entry's name.</summary>
    internal static ulong UniqueSeed(string directory)
    {
        var hash = 14695981039346656037UL;
        if (directory != VirtualPath.Root)
        {
            foreach (var c in directory)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }
        }

        return (hash ^ '/') * 1099511628211UL;
    }

    private static ulong UniqueOfName(ulong hash, ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
