using System.Buffers;
using System.Text;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>
/// Parses FTP command lines from a byte sequence: pure and synchronous. Lines end with CRLF or a bare LF; Telnet IAC
/// sequences are removed (RFC 959 section 3.1: the control connection is a Telnet NVT); the verb is matched
/// case-insensitively and returned in upper case; the argument is decoded as strict UTF-8 (RFC 2640).
/// </summary>
internal static class CommandParser
{
    private const byte Iac = 0xFF;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Looks for one complete line within the first <paramref name="maxLineLength"/> bytes of <paramref name="buffer"/>.
    /// On <see cref="ParseStatus.Complete"/> and <see cref="ParseStatus.InvalidUtf8"/>, <paramref name="buffer"/> is advanced
    /// past the line. On <see cref="ParseStatus.LineTooLong"/> and <see cref="ParseStatus.Incomplete"/> it is left as it is.
    /// </summary>
    public static ParseStatus TryParse(ref ReadOnlySequence<byte> buffer, int maxLineLength, out FtpRequest request)
    {
        request = default;
        var window = buffer.Length > maxLineLength ? buffer.Slice(0, maxLineLength) : buffer;
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            return buffer.Length >= maxLineLength ? ParseStatus.LineTooLong : ParseStatus.Incomplete;
        }

        var line = buffer.Slice(0, lf.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));

        var length = (int)line.Length;
        byte[]? rented = null;
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            line.CopyTo(bytes);
            var clean = RemoveTelnetSequences(bytes[..length]);
            if (clean.Length > 0 && clean[^1] == (byte)'\r')
            {
                clean = clean[..^1];
            }

            return Decode(clean, out request) ? ParseStatus.Complete : ParseStatus.InvalidUtf8;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Removes Telnet commands in place: IAC IAC stays as one 0xFF byte, IAC WILL/WONT/DO/DONT x and IAC x vanish.</summary>
    internal static Span<byte> RemoveTelnetSequences(Span<byte> line)
    {
        var first = line.IndexOf(Iac);
        if (first < 0)
        {
            return line;
        }

        var write = first;
        for (var read = first; read < line.Length; read++)
        {
            var b = line[read];
            if (b != Iac)
            {
                line[write++] = b;
                continue;
            }

            if (read + 1 >= line.Length)
            {
                break;
            }

            var command = line[++read];
            if (command == Iac)
            {
                line[write++] = Iac;
            }
            else if (command is >= 251 and <= 254)
            {
                read++; // WILL, WONT, DO, DONT carry an option byte.
            }
            else if (command < 240)
            {
                // Not a Telnet command (the urgent DM byte may have been taken out of band): keep the byte.
                line[write++] = command;
            }
        }

        return line[..write];
    }

    private static bool Decode(ReadOnlySpan<byte> line, out FtpRequest request)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            request = default;
            return false;
        }

        var space = line.IndexOf((byte)' ');
        var verbBytes = space < 0 ? line : line[..space];
        var argumentBytes = space < 0 ? ReadOnlySpan<byte>.Empty : line[(space + 1)..];

        string verb;
        if (verbBytes.Length <= FtpVerbs.MaxLength && Ascii.IsValid(verbBytes))
        {
            Span<char> upper = stackalloc char[verbBytes.Length];
            Ascii.ToUpper(verbBytes, upper, out _);
            verb = FtpVerbs.Intern(upper);
        }
        else
        {
            // Not a verb we know; keep a printable, bounded form for the 500 reply.
            verb = Encoding.ASCII.GetString(verbBytes[..Math.Min(verbBytes.Length, 16)]).ToUpperInvariant();
        }

        request = new FtpRequest(verb, argumentBytes.IsEmpty ? "" : StrictUtf8.GetString(argumentBytes));
        return true;
    }
}
