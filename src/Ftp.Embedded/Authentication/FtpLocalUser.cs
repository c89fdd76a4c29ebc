namespace Ftp.Embedded;

/// <summary>A local user: name, password hash, home directory and permissions.</summary>
public sealed class FtpLocalUser
{
    /// <summary>The login name (compared case-sensitively).</summary>
    public string Name { get; set; } = "";

    /// <summary>The password hash made by <see cref="FtpPasswordHasher.Hash"/>.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>The user's root inside the filesystem provider (a virtual absolute path). Default <c>/</c>.</summary>
    public string HomeDirectory { get; set; } = "/";

    /// <summary>What the user may do. Default <see cref="FtpPermissions.All"/>.</summary>
    public FtpPermissions Permissions { get; set; } = FtpPermissions.All;

    /// <summary>The most bytes per second each download of the user may move (<see cref="FtpUser.MaxDownloadRate"/>). 0 (the default): none.</summary>
    public long MaxDownloadRate { get; set; }

    /// <summary>The most bytes per second each upload of the user may move (<see cref="FtpUser.MaxUploadRate"/>). 0 (the default): none.</summary>
    public long MaxUploadRate { get; set; }

    /// <summary>How many sessions the user may be logged in with at once (<see cref="FtpUser.MaxSessions"/>). 0 (the default): no limit.</summary>
    public int MaxSessions { get; set; }

    /// <summary>
    /// The networks the user may log in from, as CIDRs (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) or single addresses
    /// (<see cref="FtpUser.AllowedNetworks"/>). Empty (the default): from anywhere.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = new List<string>();
}
