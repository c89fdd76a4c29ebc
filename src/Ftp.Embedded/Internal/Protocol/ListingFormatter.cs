using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>
/// Formats listing lines straight into UTF-8 buffers: LIST in the Unix <c>ls -l</c> layout that FileZilla, WinSCP, lftp
/// and curl parse, and MLSD/MLST fact lines (RFC 3659 section 7). Times are UTC, month names English.
/// </summary>
internal static partial class ListingFormatter
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Writes <c>drwxr-xr-x    1 ftp      ftp          4096 Nov 24 13:05 name\r\n</c>.</summary>
    public static void WriteListLine(IBufferWriter<byte> output, FtpFileInfo entry, DateTimeOffset now, string? nameOverride = null)
    {
        var name = nameOverride ?? entry.Name;
        var span = output.GetSpan(96 + Encoding.UTF8.GetMaxByteCount(name.Length));
        var mode = entry.UnixMode ?? (entry.IsDirectory ? 0b111_101_101 : 0b110_100_100);
        span[0] = (byte)(entry.IsSymbolicLink ? 'l' : entry.IsDirectory ? 'd' : '-');
        for (var i = 0; i < 9; i++)
        {
            var bit = 1 << (8 - i);
            span[1 + i] = (mode & bit) == 0 ? (byte)'-' : (byte)"rwxrwxrwx"[i];
        }

        var written = 10;
        var time = entry.LastWriteTime.ToUniversalTime();
        var month = Months[time.Month - 1];
        var recent = time <= now.AddDays(1) && time > now.AddDays(-182);
        var size = entry.IsDirectory ? 4096 : entry.Length;
        bool ok = recent
            ? Utf8.TryWrite(span[written..], CultureInfo.InvariantCulture, $"    1 ftp      ftp      {size,12} {month} {time.Day:00} {time.Hour:00}:{time.Minute:00} ", out var n)
            : Utf8.TryWrite(span[written..], CultureInfo.InvariantCulture, $"    1 ftp      ftp      {size,12} {month} {time.Day:00}  {time.Year:0000} ", out n);
        System.Diagnostics.Debug.Assert(ok);
        written += n;
        written += WriteName(span[written..], name);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary>Writes a name alone (NLST): <c>name\r\n</c>.</summary>
    public static void WriteNameLine(IBufferWriter<byte> output, string name)
    {
        var span = output.GetSpan(2 + Encoding.UTF8.GetMaxByteCount(name.Length));
        var written = WriteName(span, name);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary>RFC 3659 time-val: <c>YYYYMMDDHHMMSS</c> in UTC.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>YYYYMMDDHHMMSS[.sss]</c> as UTC.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, out DateTimeOffset time)
    {
        time = default;
        var dot = text.IndexOf('.');
        var main = dot < 0 ? text : text[..dot];
        if (main.Length != 14 || !DateTime.TryParseExact(main, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..];
            if (fraction.Length is 0 or > 3 || !int.TryParse(fraction, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return false;
            }

            parsed = parsed.AddMilliseconds(ms * Math.Pow(10, 3 - fraction.Length));
        }

        time = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }

    private static int Ascii(Span<byte> span, string text)
    {
        System.Text.Ascii.FromUtf16(text, span, out var written);
        return written;
    }

    /// <summary>Writes a name as UTF-8; CR, LF and NUL become '?', so a name can never break a listing or reply line.</summary>
    private static int WriteName(Span<byte> span, string name)
    {
        var written = Encoding.UTF8.GetBytes(name, span);
        var target = span[..written];
        if (target.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
        {
            target.Replace((byte)'\r', (byte)'?');
            target.Replace((byte)'\n', (byte)'?');
            target.Replace((byte)0, (byte)'?');
        }

        return written;
    }
}
