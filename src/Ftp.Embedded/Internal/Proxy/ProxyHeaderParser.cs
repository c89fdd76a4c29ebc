using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Proxy;

/// <summary>
/// Parses the PROXY protocol header (HAProxy's specification, v1 text and v2 binary) at the start of a connection.
/// Pure and synchronous: give it what has been read so far; it says incomplete (read more), complete (how many bytes
/// the header took and what it says) or invalid (why). Never throws on client input, and never looks past
/// <see cref="MaxHeaderLength"/> bytes.
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included.</summary>
    public const int MaxV1Length = 107;

    /// <summary>The largest v2 address-and-TLV block accepted (the 16-bit length field allows 65535).</summary>
    public const int MaxV2PayloadLength = 536;

    public const int V2FixedLength = 16;

    /// <summary>The most bytes a header can take; nothing beyond is read for it.</summary>
    public const int MaxHeaderLength = V2FixedLength + MaxV2PayloadLength;

    private static ReadOnlySpan<byte> V2Signature => "\r\n\r\n\0\r\nQUIT\n"u8;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    public static ProxyHeaderResult Parse(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> bytes = stackalloc byte[MaxHeaderLength];
        var length = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, length).CopyTo(bytes);
        return ParseSpan(bytes[..length]);
    }

    private static ProxyHeaderResult ParseSpan(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ProxyHeaderResult.NeedMore;
        }

        if (bytes[0] == V2Signature[0])
        {
            return ProxyV2.Parse(bytes, V2Signature);
        }

        var prefix = Math.Min(bytes.Length, V1Prefix.Length);
        if (!bytes[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            return ProxyHeaderResult.Fail("no PROXY protocol signature");
        }

        return ParseV1(bytes);
    }

    private static ProxyHeaderResult ParseV1(ReadOnlySpan<byte> bytes)
    {
        var end = bytes[..Math.Min(bytes.Length, MaxV1Length)].IndexOf((byte)'\n');
        if (end < 0)
        {
            return bytes.Length >= MaxV1Length
                ? ProxyHeaderResult.Fail($"v1 header longer than {MaxV1Length} bytes")
                : ProxyHeaderResult.NeedMore;
        }

        if (end == 0 || bytes[end - 1] != '\r')
        {
            return ProxyHeaderResult.Fail("v1 header not ended by CRLF");
        }

        var line = bytes[V1Prefix.Length..(end - 1)];
        var consumed = end + 1;
        if (line.StartsWith("UNKNOWN"u8) && (line.Length == 7 || line[7] == ' '))
        {
            return ProxyHeaderResult.Done(consumed, ProxyHeaderKind.Unknown);
        }

        Span<Range> fields = stackalloc Range[6];
        if (Split(line, fields) != 5)
        {
            return ProxyHeaderResult.Fail("v1 header does not have 5 fields separated by single spaces");
        }

        var family = line[fields[0]];
        var inet6 = family.SequenceEqual("TCP6"u8);
        if (!inet6 && !family.SequenceEqual("TCP4"u8))
        {
            return ProxyHeaderResult.Fail("v1 protocol is not TCP4, TCP6 or UNKNOWN");
        }

        if (!TryParseAddress(line[fields[1]], inet6, out var source) || !TryParseAddress(line[fields[2]], inet6, out var destination))
        {
            return ProxyHeaderResult.Fail(inet6 ? "v1 address is not an IPv6 address" : "v1 address is not an IPv4 address");
        }

        if (!TryParsePort(line[fields[3]], out var sourcePort) || !TryParsePort(line[fields[4]], out var destinationPort))
        {
            return ProxyHeaderResult.Fail("v1 port is not a number from 0 to 65535");
        }

        return ProxyHeaderResult.Proxied(consumed, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
    }

    /// <summary>Splits at each space; empty fields (double spaces) are kept, so they fail later.</summary>
    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        for (var i = 0; i <= line.Length && count < fields.Length; i++)
        {
            if (i == line.Length || line[i] == ' ')
            {
                fields[count++] = start..i;
                start = i + 1;
            }
        }

        return count;
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> text, bool inet6, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        var dots = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = (char)text[i];
            var allowed = char.IsAsciiDigit(c) || c == '.' || (inet6 && (char.IsAsciiHexDigit(c) || c == ':'));
            if (!allowed)
            {
                return false;
            }

            dots += c == '.' ? 1 : 0;
            chars[i] = c;
        }

        // IPAddress.Parse takes "1" or "1.2" as IPv4; the header must carry the dotted quad.
        if ((!inet6 && dots != 3) || !IPAddress.TryParse(chars, out var parsed))
        {
            return false;
        }

        address = parsed;
        return parsed.AddressFamily == (inet6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            port = (port * 10) + (b - '0');
        }

        return port <= IPEndPoint.MaxPort;
    }

    /// <summary>The binary form.</summary>
    private static class ProxyV2
    {
        public static ProxyHeaderResult Parse(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> signature)
        {
            var prefix = Math.Min(bytes.Length, signature.Length);
            if (!bytes[..prefix].SequenceEqual(signature[..prefix]))
            {
                return ProxyHeaderResult.Fail("no PROXY protocol signature");
            }

            if (bytes.Length < V2FixedLength)
            {
                return bytes.Length > 12 && (bytes[12] >> 4) != 2 ? ProxyHeaderResult.Fail("v2 version is not 2") : ProxyHeaderResult.NeedMore;
            }

            var versionCommand = bytes[12];
            if ((versionCommand >> 4) != 2)
            {
                return ProxyHeaderResult.Fail("v2 version is not 2");
            }

            var command = versionCommand & 0x0F;
            if (command > 1)
            {
                return ProxyHeaderResult.Fail("v2 command is neither LOCAL nor PROXY");
            }

            var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[14..16]);
            if (payloadLength > MaxV2PayloadLength)
            {
                return ProxyHeaderResult.Fail($"v2 header longer than {MaxV2PayloadLength} bytes of addresses and TLVs");
            }

            var consumed = V2FixedLength + payloadLength;
            if (bytes.Length < consumed)
            {
                return ProxyHeaderResult.NeedMore;
            }

            var payload = bytes[V2FixedLength..consumed];
            return command == 0
                ? ProxyHeaderResult.Done(consumed, ProxyHeaderKind.Local)
                : ParseProxy(bytes[13], payload, consumed);
        }

        private static ProxyHeaderResult ParseProxy(byte familyProtocol, ReadOnlySpan<byte> payload, int consumed)
        {
            var addressLength = familyProtocol switch
            {
                0x00 => 0, // UNSPEC: addresses unknown
                0x11 => 12, // TCP over IPv4
                0x21 => 36, // TCP over IPv6
                _ => -1,
            };
            if (addressLength < 0)
            {
                return ProxyHeaderResult.Fail("v2 address family and protocol is not TCP over IPv4 or IPv6");
            }

            if (payload.Length < addressLength)
            {
                return ProxyHeaderResult.Fail("v2 address block shorter than its family requires");
            }

            if (!TlvsAreWellFormed(payload[addressLength..]))
            {
                return ProxyHeaderResult.Fail("v2 TLV runs past the end of the header");
            }

            if (addressLength == 0)
            {
                return ProxyHeaderResult.Done(consumed, ProxyHeaderKind.Unknown);
            }

            var size = addressLength == 12 ? 4 : 16;
            var source = new IPAddress(payload[..size]);
            var destination = new IPAddress(payload[size..(2 * size)]);
            var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(payload[(2 * size)..]);
            var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(payload[((2 * size) + 2)..]);
            return ProxyHeaderResult.Proxied(consumed, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        }

        /// <summary>TLVs (type, 16-bit length, value) are skipped, but each must fit in the header.</summary>
        private static bool TlvsAreWellFormed(ReadOnlySpan<byte> tlvs)
        {
            while (!tlvs.IsEmpty)
            {
                if (tlvs.Length < 3)
                {
                    return false;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..3]);
                if (tlvs.Length < 3 + length)
                {
                    return false;
                }

                tlvs = tlvs[(3 + length)..];
            }

            return true;
        }
    }
}
