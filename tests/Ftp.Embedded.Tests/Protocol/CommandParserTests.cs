using System.Buffers;
using System.Text;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Tests.Protocol;

public class CommandParserTests
{
    private static (ParseStatus Status, FtpRequest Request, long Remaining) Parse(byte[] input, int limit = 4096)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        var status = CommandParser.TryParse(ref buffer, limit, out var request);
        return (status, request, buffer.Length);
    }

    [Fact]
    public void Parses_a_command_with_an_argument()
    {
        var (status, request, remaining) = Parse("USER alice\r\n"u8.ToArray());
        status.Should().Be(ParseStatus.Complete);
        request.Should().Be(new FtpRequest("USER", "alice"));
        remaining.Should().Be(0);
    }

    [Fact]
    public void Parses_a_command_without_an_argument_and_a_bare_LF()
    {
        var (status, request, _) = Parse("PWD\n"u8.ToArray());
        status.Should().Be(ParseStatus.Complete);
        request.Should().Be(new FtpRequest("PWD", ""));
    }

    [Fact]
    public void Verbs_are_upper_cased_and_known_ones_are_interned()
    {
        var (_, request, _) = Parse("retr x\r\n"u8.ToArray());
        request.Verb.Should().Be("RETR");
        ReferenceEquals(request.Verb, FtpVerbs.Intern("RETR")).Should().BeTrue();
    }

    [Fact]
    public void Arguments_keep_spaces_and_case()
    {
        var (_, request, _) = Parse("STOR  My File .txt \r\n"u8.ToArray());
        request.Argument.Should().Be(" My File .txt ");
    }

    [Fact]
    public void UTF8_arguments_decode()
        => Parse(Encoding.UTF8.GetBytes("MKD Grüße 🎉\r\n")).Request.Argument.Should().Be("Grüße 🎉");

    [Fact]
    public void An_incomplete_line_leaves_the_buffer_alone()
    {
        var (status, _, remaining) = Parse("NOOP"u8.ToArray());
        status.Should().Be(ParseStatus.Incomplete);
        remaining.Should().Be(4);
    }

    [Fact]
    public void Pipelined_commands_parse_one_at_a_time()
    {
        var buffer = new ReadOnlySequence<byte>("USER a\r\nPASS b\r\nPWD\r\nNOO"u8.ToArray());
        var verbs = new List<string>();
        while (CommandParser.TryParse(ref buffer, 4096, out var request) == ParseStatus.Complete)
        {
            verbs.Add(request.Verb + " " + request.Argument);
        }

        verbs.Should().Equal("USER a", "PASS b", "PWD ");
        Encoding.ASCII.GetString(buffer.ToArray()).Should().Be("NOO");
    }

    [Fact]
    public void A_line_split_across_segments_parses()
    {
        var buffer = Segmented("RE", "TR /a", "/b.t", "xt\r", "\nNOOP\r\n");
        CommandParser.TryParse(ref buffer, 4096, out var first).Should().Be(ParseStatus.Complete);
        first.Should().Be(new FtpRequest("RETR", "/a/b.txt"));
        CommandParser.TryParse(ref buffer, 4096, out var second).Should().Be(ParseStatus.Complete);
        second.Verb.Should().Be("NOOP");
        buffer.Length.Should().Be(0);
    }

    [Fact]
    public void A_multibyte_character_split_across_segments_decodes()
    {
        var bytes = Encoding.UTF8.GetBytes("CWD é\r\n");
        var buffer = Segmented(bytes[..5], bytes[5..]);
        CommandParser.TryParse(ref buffer, 4096, out var request).Should().Be(ParseStatus.Complete);
        request.Argument.Should().Be("é");
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void A_line_at_the_limit_parses_and_one_byte_more_is_too_long(int limit)
    {
        var atLimit = Encoding.ASCII.GetBytes("NOOP " + new string('x', limit - 7) + "\r\n");
        atLimit.Should().HaveCount(limit);
        Parse(atLimit, limit).Status.Should().Be(ParseStatus.Complete);

        var over = Encoding.ASCII.GetBytes("NOOP " + new string('x', limit - 6) + "\r\n");
        Parse(over, limit).Status.Should().Be(ParseStatus.LineTooLong);
    }

    [Fact]
    public void A_long_line_without_end_is_too_long_as_soon_as_the_limit_is_reached()
    {
        Parse(new byte[4095], 4096).Status.Should().Be(ParseStatus.Incomplete);
        Parse(new byte[4096], 4096).Status.Should().Be(ParseStatus.LineTooLong);
        Parse(new byte[10_000_000], 4096).Status.Should().Be(ParseStatus.LineTooLong);
    }

    [Fact]
    public void Telnet_IP_and_DM_before_ABOR_are_removed()
        => Parse([0xFF, 0xF4, 0xFF, 0xF2, .. "ABOR\r\n"u8]).Request.Verb.Should().Be("ABOR");

    [Fact]
    public void Telnet_option_negotiation_is_removed()
        => Parse([(byte)'N', 0xFF, 0xFB, 0x18, (byte)'O', 0xFF, 0xFE, 0x01, .. "OP\r\n"u8]).Request.Verb.Should().Be("NOOP");

    [Fact]
    public void A_lone_IAC_before_a_non_command_byte_keeps_the_byte()
        => Parse([0xFF, .. "ABOR\r\n"u8]).Request.Verb.Should().Be("ABOR");

    [Fact]
    public void IAC_IAC_is_a_data_byte_which_is_not_UTF8()
    {
        var (status, _, remaining) = Parse([.. "CWD a"u8, 0xFF, 0xFF, .. "b\r\nNOOP\r\n"u8]);
        status.Should().Be(ParseStatus.InvalidUtf8);
        remaining.Should().Be(6, "the bad line is consumed, the next one stays");
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public void Invalid_UTF8_is_reported(byte[] bad)
        => Parse([.. "CWD "u8, .. bad, .. "\r\n"u8]).Status.Should().Be(ParseStatus.InvalidUtf8);

    [Fact]
    public void An_empty_line_is_a_command_with_an_empty_verb()
    {
        var (status, request, _) = Parse("\r\n"u8.ToArray());
        status.Should().Be(ParseStatus.Complete);
        request.Verb.Should().BeEmpty();
    }

    [Fact]
    public void A_NUL_in_an_argument_is_kept_for_the_path_check_to_refuse()
        => Parse("DELE a\0b\r\n"u8.ToArray()).Request.Argument.Should().Be("a\0b");

    [Fact]
    public void An_overlong_unknown_verb_is_truncated_for_the_reply()
        => Parse(Encoding.ASCII.GetBytes(new string('Z', 100) + "\r\n")).Request.Verb.Should().HaveLength(16);

    private static ReadOnlySequence<byte> Segmented(params string[] parts) => Segmented(parts.Select(Encoding.UTF8.GetBytes).ToArray());

    private static ReadOnlySequence<byte> Segmented(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
