namespace Ftp.Embedded;

/// <summary>
/// Thrown by an <see cref="IFtpFileSystem"/> or <see cref="IFtpAuthenticator"/> to answer the
/// current command with a specific reply code and message.
/// </summary>
public sealed class FtpException : Exception
{
    /// <summary>Creates an exception that answers with reply 451 (local error).</summary>
    public FtpException() : this(FtpReplyCode.LocalError, "Requested action aborted: local error in processing.") { }

    /// <summary>Creates an exception that answers with reply 451 and <paramref name="message"/>.</summary>
    /// <param name="message">The reply text sent to the client.</param>
    public FtpException(string message) : this(FtpReplyCode.LocalError, message) { }

    /// <summary>Creates an exception that answers with reply 451 and <paramref name="message"/>.</summary>
    /// <param name="message">The reply text sent to the client.</param>
    /// <param name="innerException">The cause.</param>
    public FtpException(string message, Exception innerException) : base(message, innerException) => ReplyCode = FtpReplyCode.LocalError;

    /// <summary>Creates an exception that answers with <paramref name="replyCode"/> and <paramref name="message"/>.</summary>
    /// <param name="replyCode">A 4xx or 5xx reply code.</param>
    /// <param name="message">The reply text sent to the client (one line; line breaks are removed).</param>
    public FtpException(FtpReplyCode replyCode, string message) : base(message)
    {
        if ((int)replyCode < 400 || (int)replyCode > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(replyCode), replyCode, "An FtpException must carry a 4xx or 5xx reply code.");
        }

        ReplyCode = replyCode;
    }

    /// <summary>The reply code the client receives.</summary>
    public FtpReplyCode ReplyCode { get; }
}
