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
}
