using System.Buffers;
using System.Text;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>
/// Formats replies (RFC 959 section 4.2) into a buffer writer. Text never carries a CR or LF into the output: they are
/// replaced by spaces, so no client-supplied name can forge a reply line.
/// </summary>
internal static class ReplyWriter
{
    /// <summary>Writes <c>NNN text\r\n</c>.</summary>
    public static void Write(IBufferWriter<byte> output, int code, ReadOnlySpan<char> text)
        => WriteLine(output, code, ' ', text);

    /// <summary>
    /// Writes a multi-line reply: <c>NNN-first</c>, then each line with one leading space, then <c>NNN last</c>.
    /// </summary>
    public static void WriteMultiline(IBufferWriter<byte> output, int code, ReadOnlySpan<char> first, IEnumerable<string> lines, ReadOnlySpan<char> last)
    {
        WriteLine(output, code, '-', first);
        foreach (var line in lines)
        {
            WriteContinuation(output, line);
        }

        WriteLine(output, code, ' ', last);
    }

    /// <summary>Writes one inner line of a multi-line reply: a space, the text, CRLF.</summary>
    public static void WriteContinuation(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(1);
        span[0] = (byte)' ';
        output.Advance(1);
        WriteSanitized(output, text);
        WriteCrLf(output);
    }

    /// <summary>Writes the first or last line of a multi-line reply (<paramref name="separator"/> is '-' or ' ').</summary>
    public static void WriteLine(IBufferWriter<byte> output, int code, char separator, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(4);
        span[0] = (byte)('0' + (code / 100));
        span[1] = (byte)('0' + (code / 10 % 10));
        span[2] = (byte)('0' + (code % 10));
        span[3] = (byte)separator;
        output.Advance(4);
        WriteSanitized(output, text);
        WriteCrLf(output);
    }

    /// <summary>Returns <paramref name="path"/> quoted for a 257 reply: wrapped in quotes, inner quotes doubled (RFC 959 appendix II).</summary>
    public static string QuotePath(string path) => "\"" + path.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void WriteSanitized(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var bad = text.IndexOfAny('\r', '\n', '\0');
            var chunk = bad < 0 ? text : text[..bad];
            if (!chunk.IsEmpty)
            {
                var max = Encoding.UTF8.GetMaxByteCount(Math.Min(chunk.Length, 4096));
                if (chunk.Length > 4096)
                {
                    chunk = chunk[..4096];
                    if (char.IsHighSurrogate(chunk[^1]))
                    {
                        chunk = chunk[..^1];
                    }
                }

                var span = output.GetSpan(max);
                var written = Encoding.UTF8.GetBytes(chunk, span);
                output.Advance(written);
                text = text[chunk.Length..];
                continue;
            }

            var space = output.GetSpan(1);
            space[0] = (byte)' ';
            output.Advance(1);
            text = text[1..];
        }
    }

    private static void WriteCrLf(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        output.Advance(2);
    }
}
