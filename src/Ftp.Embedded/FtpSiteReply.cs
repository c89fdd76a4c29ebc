namespace Ftp.Embedded;

/// <summary>
/// The reply of an application's SITE command: a code (2xx, 4xx or 5xx) and one or more lines of text. Lines are split
/// at CR and LF and sent as a multi-line reply when there are several; other control characters become <c>?</c>, so
/// the text cannot forge a reply of its own.
/// </summary>
public sealed class FtpSiteReply
{
    private FtpSiteReply(int code, IReadOnlyList<string> lines)
    {
        Code = code;
        Lines = lines;
    }

    /// <summary>The reply code, 200–299, 400–499 or 500–599.</summary>
    public int Code { get; }

    /// <summary>The lines of text, at least one, without control characters.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>A 200 reply.</summary>
    /// <param name="text">The text; CR or LF start a new line.</param>
    /// <returns>The reply.</returns>
    public static FtpSiteReply Ok(string text) => Create(200, text);

    /// <summary>A reply with <paramref name="code"/>.</summary>
    /// <param name="code">200–299 for success, 400–499 for a transient failure, 500–599 for a permanent one.</param>
    /// <param name="text">The text; CR or LF start a new line; empty lines are dropped.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not a 2xx, 4xx or 5xx code.</exception>
    public static FtpSiteReply Create(int code, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (code is not ((>= 200 and <= 299) or (>= 400 and <= 599)))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A SITE reply code must be 2xx, 4xx or 5xx (1xx and 3xx would leave the client waiting).");
        }

        var lines = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(Sanitize)
            .Where(line => line.Trim().Length > 0)
            .ToArray();
        return new FtpSiteReply(code, lines.Length == 0 ? [code < 400 ? "OK." : "Failed."] : lines);
    }

    private static string Sanitize(string line)
        => string.Create(line.Length, line, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
}
