using System.Buffers;
using System.Buffers.Text;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>
/// The LIST and MLSD lines of a <see cref="RawListingEntry"/>: the same bytes as the <see cref="FtpFileInfo"/> overloads,
/// written from the name's UTF-8 bytes and the stat fields without a string or an object per entry.
/// </summary>
internal static partial class ListingFormatter
{
    private const int MaxRawLine = 200 + 256 * 3;

    /// <summary>As <see cref="WriteListLine(IBufferWriter{byte}, FtpFileInfo, DateTimeOffset, string?)"/>.</summary>
    public static void WriteListLine(IBufferWriter<byte> output, in RawListingEntry entry, DateTimeOffset now)
    {
        var span = output.GetSpan(MaxRawLine + entry.Name.Length);
        span[0] = (byte)(entry.IsDirectory ? 'd' : '-');
        for (var i = 0; i < 9; i++)
        {
            span[1 + i] = (entry.Mode & (1 << (8 - i))) == 0 ? (byte)'-' : (byte)"rwxrwxrwx"[i];
        }

        "    1 ftp      ftp      "u8.CopyTo(span[10..]);
        var written = 34;
        Utf8Formatter.TryFormat(entry.IsDirectory ? 4096 : entry.Size, span[written..], out var digits);
        if (digits < 12)
        {
            // Right-aligned in 12 columns, as {size,12}.
            span.Slice(written, digits).CopyTo(span[(written + 12 - digits)..]);
            span.Slice(written, 12 - digits).Fill((byte)' ');
            digits = 12;
        }

        written += digits;
        var time = new DateTime(entry.LastWriteTicks, DateTimeKind.Utc);
        var nowTicks = now.UtcTicks;
        var recent = entry.LastWriteTicks <= nowTicks + TimeSpan.TicksPerDay && entry.LastWriteTicks > nowTicks - (182 * TimeSpan.TicksPerDay);
        time.Deconstruct(out var year, out var month, out var day);
        span[written++] = (byte)' ';
        written += Ascii(span[written..], Months[month - 1]);
        span[written++] = (byte)' ';
        written += TwoDigits(span[written..], day);
        span[written++] = (byte)' ';
        if (recent)
        {
            written += TwoDigits(span[written..], time.Hour);
            span[written++] = (byte)':';
            written += TwoDigits(span[written..], time.Minute);
        }
        else
        {
            span[written++] = (byte)' ';
            written += TwoDigits(span[written..], year / 100);
            written += TwoDigits(span[written..], year % 100);
        }

        span[written++] = (byte)' ';
        written += WriteName(span[written..], entry.Name);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary>
    /// As <see cref="WriteFactsLine(IBufferWriter{byte}, FtpFileInfo, string, string, MlstFacts, FtpUser, string, bool, string?)"/>
    /// for a user without an upload-only folder; <paramref name="unique"/> is <see cref="UniqueSeed"/> of the directory.
    /// </summary>
    public static void WriteFactsLine(IBufferWriter<byte> output, in RawListingEntry entry, ulong unique, MlstFacts facts, FtpUser user)
    {
        var span = output.GetSpan(MaxRawLine + entry.Name.Length);
        var written = 0;
        if ((facts & MlstFacts.Type) != 0)
        {
            written += Copy(span, entry.IsDirectory ? "type=dir;"u8 : "type=file;"u8);
        }

        if ((facts & MlstFacts.Size) != 0 && !entry.IsDirectory)
        {
            written += Copy(span[written..], "size="u8);
            Utf8Formatter.TryFormat(entry.Size, span[written..], out var n);
            written += n;
            span[written++] = (byte)';';
        }

        if ((facts & MlstFacts.Modify) != 0)
        {
            written += Copy(span[written..], "modify="u8);
            written += WriteTimeVal(span[written..], new DateTime(entry.LastWriteTicks, DateTimeKind.Utc));
            span[written++] = (byte)';';
        }

        if ((facts & MlstFacts.Perm) != 0)
        {
            written += Copy(span[written..], "perm="u8);
            written += Ascii(span[written..], Permissions(entry.IsDirectory, user, uploadOnly: false));
            span[written++] = (byte)';';
        }

        if ((facts & MlstFacts.Unique) != 0)
        {
            written += Copy(span[written..], "unique="u8);
            Utf8Formatter.TryFormat(UniqueOfName(unique, entry.Name), span[written..], out var n, new StandardFormat('x', 16));
            written += n;
            span[written++] = (byte)';';
        }

        if ((facts & MlstFacts.UnixMode) != 0)
        {
            written += WriteUnixMode(span[written..], entry.Mode);
        }

        span[written++] = (byte)' ';
        written += WriteName(span[written..], entry.Name);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary><c>YYYYMMDDHHMMSS</c>.</summary>
    private static int WriteTimeVal(Span<byte> span, DateTime time)
    {
        time.Deconstruct(out var year, out var month, out var day);
        TwoDigits(span, year / 100);
        TwoDigits(span[2..], year % 100);
        TwoDigits(span[4..], month);
        TwoDigits(span[6..], day);
        TwoDigits(span[8..], time.Hour);
        TwoDigits(span[10..], time.Minute);
        TwoDigits(span[12..], time.Second);
        return 14;
    }

    private static int TwoDigits(Span<byte> span, int value)
    {
        span[0] = (byte)('0' + (value / 10));
        span[1] = (byte)('0' + (value % 10));
        return 2;
    }

    private static int Copy(Span<byte> span, ReadOnlySpan<byte> text)
    {
        text.CopyTo(span);
        return text.Length;
    }

    /// <summary>Copies a UTF-8 name; CR, LF and NUL become '?', as for a string name.</summary>
    private static int WriteName(Span<byte> span, ReadOnlySpan<byte> name)
    {
        name.CopyTo(span);
        var target = span[..name.Length];
        if (target.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
        {
            target.Replace((byte)'\r', (byte)'?');
            target.Replace((byte)'\n', (byte)'?');
            target.Replace((byte)0, (byte)'?');
        }

        return name.Length;
    }

    /// <summary>The unique fact of a UTF-8 name, hashed over its UTF-16 code units as <see cref="Unique"/> does.</summary>
    private static ulong UniqueOfName(ulong seed, ReadOnlySpan<byte> name)
    {
        if (System.Text.Ascii.IsValid(name))
        {
            foreach (var b in name)
            {
                seed = (seed ^ b) * 1099511628211UL;
            }

            return seed;
        }

        Span<char> chars = name.Length <= 512 ? stackalloc char[name.Length] : new char[name.Length];
        var count = System.Text.Encoding.UTF8.GetChars(name, chars);
        return UniqueOfName(seed, chars[..count]);
    }
}
