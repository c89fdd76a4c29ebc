namespace Ftp.Embedded;

/// <summary>What a user may do. The engine checks these before it calls the filesystem.</summary>
[Flags]
public enum FtpPermissions
{
    /// <summary>Nothing: the user may log in and list nothing.</summary>
    None = 0,
    /// <summary>List directories and download files (LIST, NLST, MLSD, MLST, RETR, SIZE, MDTM).</summary>
    Read = 1,
    /// <summary>Upload files (STOR, STOU, APPE) and set modification times (MFMT).</summary>
    Write = 2,
    /// <summary>Delete files and remove directories (DELE, RMD).</summary>
    Delete = 4,
    /// <summary>Create directories (MKD).</summary>
    CreateDirectory = 8,
    /// <summary>Rename and move files and directories (RNFR/RNTO).</summary>
    Rename = 16,
    /// <summary>Read only.</summary>
    ReadOnly = Read,
    /// <summary>Every permission.</summary>
    All = Read | Write | Delete | CreateDirectory | Rename,
}
