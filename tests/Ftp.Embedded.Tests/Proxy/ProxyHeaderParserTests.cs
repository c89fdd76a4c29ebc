using System.Buffers;
using System.Net;
using System.Text;
using Ftp.Embedded.Internal.Proxy;

namespace Ftp.Embedded.Tests.Proxy;

public class ProxyHeaderParserTests
{
    private static readonly byte[] Signature = "\r\n\r\n\0\r\nQUIT\n"u8.ToArray();

    private static ProxyHeaderResult Parse(byte[] input) => ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(input));

    private static ProxyHeaderResult Parse(string input) => Parse(Encoding.ASCII.GetBytes(input));

    /// <summary>A v2 header: signature, version/command, family/protocol, length, then <paramref name="payload"/>.</summary>
    private static byte[] V2(byte versionCommand, byte family, byte[] payload, int? length = null)
    {
        var n = length ?? payload.Length;
        return [.. Signature, versionCommand, family, (byte)(n >> 8), (byte)n, .. payload];
    }

    private static byte[] Tcp4Payload(params byte[] tlvs)
        => [192, 0, 2, 7, 10, 0, 0, 1, 0xC3, 0x50, 0x00, 0x15, .. tlvs]; // 192.0.2.7:50000 -> 10.0.0.1:21

    private static byte[] Tcp6Payload()
    {
        var source = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var destination = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        return [.. source, .. destination, 0x04, 0xD2, 0x00, 0x15];
    }

    /// <summary>The same bytes as a sequence of one-byte segments.</summary>
    private static ReadOnlySequence<byte> ByteByByte(byte[] bytes)
    {
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    [Fact]
    public void Parses_a_v1_TCP4_header_and_leaves_what_follows()
    {
        var result = Parse("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\r\nUSER x\r\n");
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Kind.Should().Be(ProxyHeaderKind.Proxied);
        result.Consumed.Should().Be("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\r\n".Length);
        result.Source.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000));
        result.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 21));
    }

    [Fact]
    public void Parses_a_v1_TCP6_header()
    {
        var result = Parse("PROXY TCP6 2001:db8::7 2001:db8::1 1234 21\r\n");
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Source.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1234));
        result.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 21));
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")]
    public void Parses_v1_UNKNOWN_without_addresses(string header)
    {
        var result = Parse(header);
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Kind.Should().Be(ProxyHeaderKind.Unknown);
        result.Consumed.Should().Be(header.Length);
        result.Source.Should().BeNull();
    }

    [Fact]
    public void A_v1_header_of_exactly_107_bytes_is_accepted_and_of_108_refused()
    {
        var at = "PROXY UNKNOWN " + new string('x', 107 - 16) + "\r\n";
        at.Length.Should().Be(107);
        Parse(at).Status.Should().Be(ProxyHeaderStatus.Complete);

        var over = "PROXY UNKNOWN " + new string('x', 108 - 16) + "\r\n";
        var result = Parse(over);
        result.Status.Should().Be(ProxyHeaderStatus.Invalid);
        result.Error.Should().Be("v1 header longer than 107 bytes");
        Parse(over[..107]).Status.Should().Be(ProxyHeaderStatus.Invalid, "107 bytes without LF can never become a header");
        Parse(over[..106]).Status.Should().Be(ProxyHeaderStatus.Incomplete);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", "no PROXY protocol signature")]
    [InlineData("USER alice\r\n", "no PROXY protocol signature")]
    [InlineData("PROXYTCP4\r\n", "no PROXY protocol signature")]
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "no PROXY protocol signature")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\n", "v1 header not ended by CRLF")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\r\r\n", "v1 port is not a number from 0 to 65535")]
    [InlineData("PROXY UDP4 192.0.2.7 10.0.0.1 50000 21\r\n", "v1 protocol is not TCP4, TCP6 or UNKNOWN")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000\r\n", "v1 header does not have 5 fields separated by single spaces")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21 9\r\n", "v1 header does not have 5 fields separated by single spaces")]
    [InlineData("PROXY TCP4  192.0.2.7 10.0.0.1 50000\r\n", "v1 address is not an IPv4 address")]
    [InlineData("PROXY TCP4 192.0.2.7  10.0.0.1 5 21\r\n", "v1 header does not have 5 fields separated by single spaces")]
    [InlineData("PROXY TCP4 192.0.2.256 10.0.0.1 50000 21\r\n", "v1 address is not an IPv4 address")]
    [InlineData("PROXY TCP4 3221225991 10.0.0.1 50000 21\r\n", "v1 address is not an IPv4 address")]
    [InlineData("PROXY TCP4 192.0.2 10.0.0.1 50000 21\r\n", "v1 address is not an IPv4 address")]
    [InlineData("PROXY TCP4 2001:db8::7 10.0.0.1 50000 21\r\n", "v1 address is not an IPv4 address")]
    [InlineData("PROXY TCP6 192.0.2.7 2001:db8::1 50000 21\r\n", "v1 address is not an IPv6 address")]
    [InlineData("PROXY TCP6 fe80::1%eth0 2001:db8::1 50000 21\r\n", "v1 address is not an IPv6 address")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 65536 21\r\n", "v1 port is not a number from 0 to 65535")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 99999\r\n", "v1 port is not a number from 0 to 65535")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 -1 21\r\n", "v1 port is not a number from 0 to 65535")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 050 21\r\n", "v1 port is not a number from 0 to 65535")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 123456 21\r\n", "v1 port is not a number from 0 to 65535")]
    public void Refuses_malformed_v1_headers(string header, string error)
    {
        var result = Parse(header);
        result.Status.Should().Be(ProxyHeaderStatus.Invalid);
        result.Error.Should().Be(error);
    }

    [Fact]
    public void The_highest_v1_port_is_accepted()
    {
        Parse("PROXY TCP4 192.0.2.7 10.0.0.1 65535 0\r\n").Source!.Port.Should().Be(65535);
    }

    [Fact]
    public void Parses_a_v2_TCP4_header()
    {
        var header = V2(0x21, 0x11, Tcp4Payload());
        var result = Parse([.. header, (byte)'X']);
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Kind.Should().Be(ProxyHeaderKind.Proxied);
        result.Consumed.Should().Be(28);
        result.Source.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000));
        result.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 21));
    }

    [Fact]
    public void Parses_a_v2_TCP6_header()
    {
        var result = Parse(V2(0x21, 0x21, Tcp6Payload()));
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Consumed.Should().Be(52);
        result.Source.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1234));
        result.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 21));
    }

    [Fact]
    public void Skips_v2_TLVs()
    {
        // PP2_TYPE_ALPN "ftp", PP2_TYPE_AUTHORITY "", PP2_TYPE_NOOP with 4 bytes
        byte[] tlvs = [0x01, 0x00, 0x03, (byte)'f', (byte)'t', (byte)'p', 0x02, 0x00, 0x00, 0x04, 0x00, 0x04, 0, 0, 0, 0];
        var result = Parse(V2(0x21, 0x11, Tcp4Payload(tlvs)));
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Consumed.Should().Be(28 + tlvs.Length);
        result.Source.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000));
    }

    [Fact]
    public void Parses_v2_LOCAL_whatever_its_family_and_payload()
    {
        var result = Parse(V2(0x20, 0x00, []));
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Kind.Should().Be(ProxyHeaderKind.Local);
        result.Consumed.Should().Be(16);

        var withPayload = Parse(V2(0x20, 0x11, Tcp4Payload()));
        withPayload.Kind.Should().Be(ProxyHeaderKind.Local);
        withPayload.Consumed.Should().Be(28);
    }

    [Fact]
    public void Parses_v2_PROXY_with_an_unspecified_family_as_unknown()
    {
        var result = Parse(V2(0x21, 0x00, [0x03, 0x00, 0x00]));
        result.Status.Should().Be(ProxyHeaderStatus.Complete);
        result.Kind.Should().Be(ProxyHeaderKind.Unknown);
        result.Consumed.Should().Be(19);
    }

    [Fact]
    public void A_v2_payload_of_exactly_536_bytes_is_accepted_and_of_537_refused()
    {
        byte[] noop536 = [0x04, 0x02, 0x09, .. new byte[536 - 12 - 3]];
        var at = Parse(V2(0x21, 0x11, Tcp4Payload(noop536)));
        at.Status.Should().Be(ProxyHeaderStatus.Complete);
        at.Consumed.Should().Be(16 + 536);

        byte[] noop537 = [0x04, 0x02, 0x0A, .. new byte[537 - 12 - 3]];
        var over = Parse(V2(0x21, 0x11, Tcp4Payload(noop537)));
        over.Status.Should().Be(ProxyHeaderStatus.Invalid);
        over.Error.Should().Be("v2 header longer than 536 bytes of addresses and TLVs");
        Parse(V2(0x21, 0x11, [], length: 0xFFFF)).Status.Should().Be(ProxyHeaderStatus.Invalid, "refused from the length alone");
    }

    public static TheoryData<byte[], string> MalformedV2 => new()
    {
        { [.. "\r\n\r\n\0\r\nQUIX\n"u8, 0x21, 0x11, 0, 12, .. Tcp4Payload()], "no PROXY protocol signature" },
        { [.. "\r\n\r\n\0\r\nQ"u8, (byte)'X'], "no PROXY protocol signature" },
        { [.. Signature, 0x11], "v2 version is not 2" },
        { V2(0x11, 0x11, Tcp4Payload()), "v2 version is not 2" },
        { V2(0x31, 0x11, Tcp4Payload()), "v2 version is not 2" },
        { V2(0x22, 0x11, Tcp4Payload()), "v2 command is neither LOCAL nor PROXY" },
        { V2(0x21, 0x12, Tcp4Payload()), "v2 address family and protocol is not TCP over IPv4 or IPv6" },
        { V2(0x21, 0x31, new byte[216]), "v2 address family and protocol is not TCP over IPv4 or IPv6" },
        { V2(0x21, 0x13, Tcp4Payload()), "v2 address family and protocol is not TCP over IPv4 or IPv6" },
        { V2(0x21, 0x11, Tcp4Payload()[..11]), "v2 address block shorter than its family requires" },
        { V2(0x21, 0x21, Tcp4Payload()), "v2 address block shorter than its family requires" },
        { V2(0x21, 0x11, Tcp4Payload(0x01, 0x00, 0x05, 1, 2)), "v2 TLV runs past the end of the header" },
        { V2(0x21, 0x11, Tcp4Payload(0x01, 0x00)), "v2 TLV runs past the end of the header" },
    };

    [Theory]
    [MemberData(nameof(MalformedV2))]
    public void Refuses_malformed_v2_headers(byte[] header, string error)
    {
        var result = Parse(header);
        result.Status.Should().Be(ProxyHeaderStatus.Invalid);
        result.Error.Should().Be(error);
    }

    public static TheoryData<byte[]> ValidHeaders => new()
    {
        Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\r\n"),
        Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 2001:db8::1 1234 21\r\n"),
        Encoding.ASCII.GetBytes("PROXY UNKNOWN\r\n"),
        V2(0x21, 0x11, Tcp4Payload(0x01, 0x00, 0x01, 0x41)),
        V2(0x21, 0x21, Tcp6Payload()),
        V2(0x20, 0x00, []),
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Every_proper_prefix_is_incomplete_and_the_whole_header_complete_even_byte_by_byte(byte[] header)
    {
        for (var n = 0; n < header.Length; n++)
        {
            var partial = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header, 0, n));
            partial.Status.Should().Be(ProxyHeaderStatus.Incomplete, "{0} of {1} bytes", n, header.Length);
            if (n > 0)
            {
                ProxyHeaderParser.Parse(ByteByByte(header[..n])).Status.Should().Be(ProxyHeaderStatus.Incomplete);
            }
        }

        var whole = ProxyHeaderParser.Parse(ByteByByte([.. header, 0x0D, 0x0A]));
        whole.Should().Be(Parse(header));
        whole.Status.Should().Be(ProxyHeaderStatus.Complete);
        whole.Consumed.Should().Be(header.Length);
    }

    [Fact]
    public void Never_throws_on_random_input()
    {
        var random = new Random(14);
        var buffer = new byte[700];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            var length = random.Next(buffer.Length);
            var start = random.Next(3) switch { 0 => "PROXY TCP4 "u8.ToArray(), 1 => [.. Signature, 0x21, 0x11], _ => [] };
            start.CopyTo(buffer, 0);
            var result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, Math.Max(length, start.Length)));
            result.Consumed.Should().BeInRange(0, ProxyHeaderParser.MaxHeaderLength);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
