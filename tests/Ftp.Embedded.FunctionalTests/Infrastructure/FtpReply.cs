namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>A parsed reply: code, every line as received, and the text of the last line.</summary>
public sealed record FtpReply(int Code, IReadOnlyList<string> Lines)
{
    public string Text => Lines[^1].Length > 4 ? Lines[^1][4..] : "";

    public string All => string.Join("\n", Lines);

    public override string ToString() => All;
}
