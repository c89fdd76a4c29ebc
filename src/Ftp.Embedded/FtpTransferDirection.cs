namespace Ftp.Embedded;

/// <summary>The direction of a transfer.</summary>
public enum FtpTransferDirection
{
    /// <summary>From the client to the server (STOR, STOU, APPE).</summary>
    Upload,
    /// <summary>From the server to the client (RETR).</summary>
    Download,
}
