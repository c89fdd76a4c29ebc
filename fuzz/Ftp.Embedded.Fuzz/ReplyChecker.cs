using System.Text;
using System.Text.Unicode;

namespace Ftp.Embedded.Fuzz;

/// <summary>How a reader of the control connection ended.</summary>
internal enum ReaderEnd
{
    /// <summary>The server closed the connection cleanly.</summary>
    Eof,
    /// <summary>The connection was reset (the server closed it with unread input): what was lost is not checked.</summary>
    Reset,
    /// <summary>A 234 reply: the next bytes are a TLS handshake, the caller switches streams.</summary>
    TlsRequested,
}

/// <summary>
/// Reads the control connection and checks every reply line (RFC 959 section 4.2): it ends with CRLF, holds no other
/// CR, LF or NUL, is UTF-8, and is either <c>NNN text</c> / <c>NNN-text</c> with a code from 100 to 599, or, inside
/// a multi-line reply, a continuation line that starts with a space (how this server writes them) until <c>NNN text</c>
/// with the same code. A clean close may not cut a line or a multi-line reply, and when the server closed because the
/// input ended, every command line it was sent has had exactly one final reply (2xx to 5xx; a 1xx comes before one).
/// </summary>
internal sealed class ReplyChecker(byte[] input, Action<string> onReply)
{
    private readonly List<byte> _partial = [];
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _multilineCode;
    private int _lines;
    private int _finalReplies;
    private string _lastReply = "";
    private ReaderEnd? _end;

    /// <summary>How many complete reply lines were read so far.</summary>
    public int Lines => Volatile.Read(ref _lines);

    public Task<ReaderEnd> StartReading(Stream stream, CancellationToken cancellationToken)
        => Task.Run(() => ReadLoopAsync(stream, cancellationToken), cancellationToken);

    /// <summary>Waits until <paramref name="count"/> lines were read, the reader ended, or <paramref name="timeout"/> passed.</summary>
    public async Task WaitForLinesAsync(int count, Task reader, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var delay = Task.Delay(timeout, cancellationToken);
        while (Lines < count && !reader.IsCompleted)
        {
            var signal = Volatile.Read(ref _signal).Task;
            if (Lines >= count)
            {
                break;
            }

            var done = await Task.WhenAny(signal, reader, delay);
            if (done == delay)
            {
                await delay; // Throws when the input's time is up.
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>After the last reader: checks the end of the conversation, <paramref name="commandLines"/> lines were sent.</summary>
    public void CheckEnd(int commandLines)
    {
        if (_end != ReaderEnd.Eof)
        {
            return;
        }

        if (_partial.Count > 0)
        {
            Fail($"the connection closed inside a reply line: '{SessionTarget.Escape(_partial.ToArray(), 200)}'");
        }

        if (_multilineCode is not null)
        {
            Fail($"the connection closed inside a {_multilineCode} multi-line reply");
        }

        if (_lines == 0)
        {
            Fail("the connection closed without a greeting");
        }

        // The server ends the session itself after QUIT (221), on 421, after a line that is too long, and after 234 when
        // no TLS handshake followed; the commands after that are never read. Otherwise it read them all.
        var closedItself = _lastReply.StartsWith("221 ", StringComparison.Ordinal) || _lastReply.StartsWith("421 ", StringComparison.Ordinal)
            || _lastReply.StartsWith("234 ", StringComparison.Ordinal) || _lastReply.StartsWith("500 Command line too long", StringComparison.Ordinal);
        var expected = commandLines + 1; // And the greeting.
        if (closedItself ? _finalReplies > expected + 1 : _finalReplies != expected)
        {
            Fail($"{_finalReplies} final replies (the greeting included) for {commandLines} command lines; the last reply: '{_lastReply}'");
        }
    }

    private async Task<ReaderEnd> ReadLoopAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                return Finish(ReaderEnd.Reset);
            }

            if (read == 0)
            {
                return Finish(ReaderEnd.Eof);
            }

            _partial.AddRange(buffer.AsSpan(0, read));
            int lf;
            while ((lf = _partial.IndexOf((byte)'\n')) >= 0)
            {
                var line = _partial.GetRange(0, lf + 1).ToArray();
                _partial.RemoveRange(0, lf + 1);
                var text = CheckLine(line);
                Interlocked.Increment(ref _lines);
                onReply(text);
                Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                if (text.StartsWith("234 ", StringComparison.Ordinal))
                {
                    if (_partial.Count > 0)
                    {
                        Fail($"the server sent '{SessionTarget.Escape(_partial.ToArray(), 200)}' after 234, before the TLS handshake");
                    }

                    return Finish(ReaderEnd.TlsRequested);
                }
            }
        }
    }

    private ReaderEnd Finish(ReaderEnd end)
    {
        _end = end;
        Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return end;
    }

    private string CheckLine(byte[] line)
    {
        if (line.Length < 2 || line[^2] != (byte)'\r')
        {
            Fail($"reply line not ended by CRLF: '{SessionTarget.Escape(line, 200)}'");
        }

        var content = line.AsSpan(0, line.Length - 2);
        if (content.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
        {
            Fail($"reply line holds CR, LF or NUL: '{SessionTarget.Escape(line, 200)}'");
        }

        if (!Utf8.IsValid(content))
        {
            Fail($"reply line is not UTF-8: '{SessionTarget.Escape(line, 200)}'");
        }

        var text = Encoding.UTF8.GetString(content);
        if (_multilineCode is { } code)
        {
            if (text.StartsWith(code + " ", StringComparison.Ordinal))
            {
                _multilineCode = null;
            }
            else if (!text.StartsWith(' '))
            {
                Fail($"line inside a {code} multi-line reply is neither '{code} ...' nor a continuation line starting with a space: '{text}'");
            }

            return text;
        }

        if (text.Length < 4 || text[0] is < '1' or > '5' || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[2]) || text[3] is not (' ' or '-'))
        {
            Fail($"reply line does not match ^[1-5]\\d\\d[ -]: '{text}'");
        }

        if (text[3] == '-')
        {
            _multilineCode = text[..3];
        }

        if (text[0] != '1')
        {
            _finalReplies++;
        }

        _lastReply = text;
        return text;
    }

    private void Fail(string message) => SessionTarget.Fail(message, input);
}
