namespace Ftp.Embedded;

/// <summary>Anonymous access. Bound from the <c>Ftp:Anonymous</c> configuration section.</summary>
public sealed class FtpAnonymousOptions
{
    /// <summary>The names that log in anonymously, with any password. Default <c>anonymous</c> and <c>ftp</c>.</summary>
    public IList<string> UserNames { get; } = new List<string> { "anonymous", "ftp" };

    /// <summary>The anonymous root inside the filesystem provider. Default <c>/pub</c>.</summary>
    public string HomeDirectory { get; set; } = "/pub";

    /// <summary>What anonymous users may do. Default <see cref="FtpPermissions.ReadOnly"/>.</summary>
    public FtpPermissions Permissions { get; set; } = FtpPermissions.ReadOnly;

    /// <summary>
    /// A directory (relative to the anonymous root, such as <c>/incoming</c>) where anonymous users may upload new files
    /// that they cannot list, download, overwrite, rename or delete. <see langword="null"/> (the default): no uploads.
    /// </summary>
    public string? UploadDirectory { get; set; }

    /// <summary>
    /// The most bytes per second each anonymous download may move (vsftpd's <c>anon_max_rate</c>), per session, under
    /// <see cref="FtpServerLimits.MaxDownloadRate"/>. 0 (the default): none.
    /// </summary>
    public long MaxDownloadRate { get; set; }

    /// <summary>The most bytes per second each anonymous upload may move, per session. 0 (the default): none.</summary>
    public long MaxUploadRate { get; set; }
}
