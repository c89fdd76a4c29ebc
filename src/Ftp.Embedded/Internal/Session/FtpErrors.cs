namespace Ftp.Embedded.Internal.Session;

/// <summary>Maps what a filesystem or authenticator threw to a reply, in one place. Host paths never reach the client.</summary>
internal static class FtpErrors
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;
    private const int ERROR_DISK_FULL = unchecked((int)0x80070070);
    private const int ERROR_HANDLE_DISK_FULL = unchecked((int)0x80070027);

    public static (FtpReplyCode Code, string Text) Map(Exception exception) => exception switch
    {
        FtpException ftp => (ftp.ReplyCode, ftp.Message),
        FileNotFoundException or DirectoryNotFoundException => (FtpReplyCode.FileUnavailable, "No such file or directory."),
        UnauthorizedAccessException => (FtpReplyCode.FileUnavailable, "Permission denied."),
        PathTooLongException => (FtpReplyCode.FileNameNotAllowed, "File name too long."),
        IOException io when IsDiskFull(io) => (FtpReplyCode.InsufficientStorage, "Insufficient storage space."),
        IOException => (FtpReplyCode.FileUnavailable, "Requested action not taken: file unavailable."),
        ArgumentException => (FtpReplyCode.FileNameNotAllowed, "File name not allowed."),
        NotSupportedException => (FtpReplyCode.NotImplemented, "Not supported by this filesystem."),
        _ => (FtpReplyCode.LocalError, "Requested action aborted: local error in processing."),
    };

    /// <summary>
    /// Maps a failure of the filesystem while a transfer runs (after the 150) or in its cleanup: the file was found and
    /// opened, so a plain <see cref="IOException"/> now is a local error in processing (451), not an unavailable file
    /// (550). Everything else maps as in <see cref="Map"/>: a full disk 452, a refused name 550 or 553, an
    /// <see cref="FtpException"/> its own code, the unexpected 451.
    /// </summary>
    public static (FtpReplyCode Code, string Text) MapTransfer(Exception exception) => exception switch
    {
        IOException io when io is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && !IsDiskFull(io)
            => (FtpReplyCode.LocalError, "Requested action aborted: local error in processing."),
        _ => Map(exception),
    };

    private static bool IsDiskFull(IOException exception)
        => exception.HResult is ENOSPC or EDQUOT or ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL
           || (exception.HResult & 0xFFFF) is ENOSPC or EDQUOT;
}
