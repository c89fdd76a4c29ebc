namespace Ftp.Embedded;

/// <summary>How <see cref="IFtpFileSystem.OpenWriteAsync"/> opens a file.</summary>
public enum FtpWriteMode
{
    /// <summary>Create the file, or truncate it if it exists (STOR).</summary>
    Create,
    /// <summary>Append to the file, creating it if missing (APPE).</summary>
    Append,
    /// <summary>Keep the file and write from the given offset on, truncating what follows (REST + STOR).</summary>
    WriteAt,
}
