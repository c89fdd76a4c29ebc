using System.Buffers;
using System.Text;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Tests.Protocol;

public class ReplyWriterTests
{
    private static string Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Writes_a_single_line_reply()
        => Write(o => ReplyWriter.Write(o, 226, "Transfer complete.")).Should().Be("226 Transfer complete.\r\n");

    [Fact]
    public void Writes_a_multi_line_reply_with_indented_inner_lines()
        => Write(o => ReplyWriter.WriteMultiline(o, 211, "Features:", ["EPSV", "UTF8"], "End"))
            .Should().Be("211-Features:\r\n EPSV\r\n UTF8\r\n211 End\r\n");

    [Fact]
    public void Inner_lines_that_look_like_a_final_reply_are_still_indented()
        => Write(o => ReplyWriter.WriteMultiline(o, 214, "Help:", ["214 fake end"], "Done"))
            .Should().Be("214-Help:\r\n 214 fake end\r\n214 Done\r\n");

    [Theory]
    [InlineData("a\r\n299 FORGED", "a  299 FORGED")]
    [InlineData("a\nb", "a b")]
    [InlineData("nul\0here", "nul here")]
    public void Line_breaks_and_NUL_in_text_become_spaces(string text, string expected)
        => Write(o => ReplyWriter.Write(o, 550, text)).Should().Be($"550 {expected}\r\n");

    [Fact]
    public void UTF8_text_is_written_as_UTF8()
        => Write(o => ReplyWriter.Write(o, 257, "\"/Grüße 🎉\" created.")).Should().Be("257 \"/Grüße 🎉\" created.\r\n");

    [Fact]
    public void Long_text_is_written_whole()
    {
        var text = new string('é', 10_000);
        Write(o => ReplyWriter.Write(o, 200, text)).Should().Be($"200 {text}\r\n");
    }

    [Theory]
    [InlineData("/", "\"/\"")]
    [InlineData("/say \"hi\"", "\"/say \"\"hi\"\"\"")]
    public void Paths_are_quoted_with_inner_quotes_doubled(string path, string expected)
        => ReplyWriter.QuotePath(path).Should().Be(expected);
}
