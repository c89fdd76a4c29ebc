namespace FtpWire;

/// <summary>A parsed reply: code, every line as received (without its CRLF), and the text of the last line.</summary>
public sealed record FtpReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>The last line after its <c>NNN </c>.</summary>
    public string Text => Lines[^1].Length > 4 ? Lines[^1][4..] : "";

    /// <summary>Every line, joined by LF.</summary>
    public string All => string.Join("\n", Lines);

    /// <summary>The first line, code included.</summary>
    public string FirstLine => Lines[0];

    /// <summary>1xx: a transfer or an action has started; a final reply follows.</summary>
    public bool IsPreliminary => Code is >= 100 and < 200;

    /// <summary>2xx.</summary>
    public bool IsCompletion => Code is >= 200 and < 300;

    public override string ToString() => All;
}

/// <summary>The server answered something other than what the step needed.</summary>
public sealed class FtpReplyException(string message, FtpReply reply) : Exception(message)
{
    public FtpReply Reply { get; } = reply;

    /// <summary>"<paramref name="step"/>: expected <paramref name="expected"/>, got: the reply".</summary>
    public static FtpReplyException Unexpected(string step, string expected, FtpReply reply)
        => new($"{step}: expected {expected}, got: {reply.All}", reply);
}

/// <summary>
/// A socket operation took longer than <see cref="FtpWireClient.Timeout"/>. It is an
/// <see cref="OperationCanceledException"/>, as a timed-out socket operation always was for the tests.
/// </summary>
public sealed class FtpWireTimeoutException(string message) : OperationCanceledException(message);
