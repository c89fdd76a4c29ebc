using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FtpWire;

/// <summary>Pure parsing and formatting of what FTP puts on the wire: reply codes, 227/229/257 replies, PORT/EPRT arguments.</summary>
public static class FtpWireParser
{
    /// <summary>
    /// The code of a reply's first line. Strict: <c>NNN </c> or <c>NNN-</c> (RFC 959 section 4.2). Lenient: any line
    /// that starts with three ASCII digits.
    /// </summary>
    public static bool TryParseCode(string line, bool strict, out int code)
    {
        code = 0;
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2]))
        {
            return false;
        }

        if (strict && (line.Length < 4 || line[3] is not (' ' or '-')))
        {
            return false;
        }

        code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
        return true;
    }

    /// <summary>Whether <paramref name="line"/> ends the multi-line reply that <paramref name="first"/> opened: the same code, then a space.</summary>
    public static bool EndsMultiline(string line, string first)
        => line.Length >= 4 && line[3] == ' ' && line.AsSpan(0, 3).SequenceEqual(first.AsSpan(0, 3));

    /// <summary>
    /// The data port of a 227 (<c>(h1,h2,h3,h4,p1,p2)</c>, parentheses optional) or 229 (<c>(|||port|)</c>) reply.
    /// </summary>
    public static int ParsePassivePort(FtpReply reply) => reply.Code == 229 ? ParseEpsvPort(reply.Lines[^1]) : ParsePasvPort(reply.Lines[^1]);

    /// <summary>The port of a 227 reply line: "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)".</summary>
    public static int ParsePasvPort(string line)
        => TryParsePasv(line, out _, out var port) ? port : throw new InvalidDataException($"cannot parse PASV reply '{Shorten(line)}'");

    /// <summary>
    /// The address and port of a 227 reply line. The six numbers stand inside the first parentheses or, without
    /// them, after the code; each is 0 to 255.
    /// </summary>
    public static bool TryParsePasv(string line, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        var open = line.IndexOf('(', StringComparison.Ordinal);
        var close = open < 0 ? -1 : line.IndexOf(')', open);
        var inner = open >= 0 && close > open ? line[(open + 1)..close] : line.Length > 4 ? line[4..] : "";
        var parts = inner.Split(',');
        if (parts.Length != 6)
        {
            return false;
        }

        Span<byte> numbers = stackalloc byte[6];
        for (var i = 0; i < 6; i++)
        {
            // Without parentheses the first number follows the reply's words: "227 Entering Passive Mode 127,0,0,1,4,1".
            var part = (i == 0 && open < 0 ? parts[0][(parts[0].LastIndexOf(' ') + 1)..] : parts[i]).Trim();
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }

        address = new IPAddress(numbers[..4]);
        port = (numbers[4] << 8) | numbers[5];
        return true;
    }

    /// <summary>The port of a 229 reply line: "229 Entering Extended Passive Mode (|||port|)".</summary>
    public static int ParseEpsvPort(string line)
        => TryParseEpsv(line, out var port) ? port : throw new InvalidDataException($"cannot parse EPSV reply '{Shorten(line)}'");

    /// <summary>The port of a 229 reply line: <c>(dddPORTd)</c> with any delimiter <c>d</c> (RFC 2428 section 3), 1 to 65535.</summary>
    public static bool TryParseEpsv(string line, out int port)
    {
        port = 0;
        var open = line.IndexOf('(', StringComparison.Ordinal);
        if (open < 0 || open + 5 > line.Length)
        {
            return false;
        }

        var delimiter = line[open + 1];
        if (line[open + 2] != delimiter || line[open + 3] != delimiter)
        {
            return false;
        }

        var end = line.IndexOf(delimiter, open + 4);
        return end > open + 4 && end + 1 < line.Length && line[end + 1] == ')'
            && int.TryParse(line.AsSpan(open + 4, end - open - 4), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }

    /// <summary>The directory of a 257 reply line ("257 "/dir" is current directory"), doubled quotes undone.</summary>
    public static string ParsePwd(string line)
    {
        var open = line.IndexOf('"', StringComparison.Ordinal);
        if (open < 0)
        {
            throw new InvalidDataException($"cannot parse PWD reply '{Shorten(line)}'");
        }

        var result = new StringBuilder();
        for (var i = open + 1; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    result.Append('"');
                    i++;
                    continue;
                }

                return result.ToString();
            }

            result.Append(line[i]);
        }

        throw new InvalidDataException($"cannot parse PWD reply '{Shorten(line)}'");
    }

    /// <summary>The PORT command for an IPv4 end point: <c>PORT h1,h2,h3,h4,p1,p2</c>.</summary>
    public static string PortCommand(IPEndPoint endPoint)
    {
        if (endPoint.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("PORT takes an IPv4 address; use EPRT.", nameof(endPoint));
        }

        var a = endPoint.Address.GetAddressBytes();
        return string.Create(CultureInfo.InvariantCulture, $"PORT {a[0]},{a[1]},{a[2]},{a[3]},{endPoint.Port >> 8},{endPoint.Port & 255}");
    }

    /// <summary>The EPRT command for an end point: <c>EPRT |1|127.0.0.1|port|</c> or <c>EPRT |2|::1|port|</c> (RFC 2428 section 2).</summary>
    public static string EprtCommand(IPEndPoint endPoint)
        => string.Create(CultureInfo.InvariantCulture, $"EPRT |{(endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? 2 : 1)}|{endPoint.Address}|{endPoint.Port}|");

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
