namespace Ftp.Embedded;

/// <summary>Upload settings.</summary>
public sealed class FtpUploadOptions
{
    /// <summary>
    /// Whether STOR without REST writes to a temporary file in the same directory and renames it over the target only
    /// after the data connection closed cleanly, so that a failed upload leaves the previous file untouched.
    /// Default <see langword="true"/>. APPE and REST+STOR always write in place, as resuming requires.
    /// </summary>
    public bool Atomic { get; set; } = true;
}
