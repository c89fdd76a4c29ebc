namespace Ftp.Embedded.Internal.Protocol;

/// <summary>One command line: the verb in upper case and the argument as sent (may be empty).</summary>
internal readonly record struct FtpRequest(string Verb, string Argument)
{
    public bool HasArgument => Argument.Length > 0;
}

/// <summary>What <see cref="CommandParser.TryParse"/> found.</summary>
internal enum ParseStatus
{
    /// <summary>No complete line yet; read more.</summary>
    Incomplete,
    /// <summary>A line was parsed and consumed.</summary>
    Complete,
    /// <summary>A line was consumed but is not valid UTF-8 (reply 501).</summary>
    InvalidUtf8,
    /// <summary>No line end within the limit: reply 500 and close.</summary>
    LineTooLong,
}
