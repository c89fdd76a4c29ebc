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

/// <summary>The local users. Bound from the <c>Ftp:Users</c> configuration section.</summary>
public sealed class FtpLocalUserOptions
{
    /// <summary>The users.</summary>
    public IList<FtpLocalUser> Users { get; } = new List<FtpLocalUser>();

    /// <summary>Adds a user.</summary>
    /// <param name="name">The login name.</param>
    /// <param name="passwordHash">A hash made by <see cref="FtpPasswordHasher.Hash"/>.</param>
    /// <param name="home">The user's root inside the filesystem provider. Default <c>/</c>.</param>
    /// <param name="permissions">What the user may do. Default <see cref="FtpPermissions.All"/>.</param>
    /// <returns>These options, for chaining.</returns>
    public FtpLocalUserOptions Add(string name, string passwordHash, string home = "/", FtpPermissions permissions = FtpPermissions.All)
    {
        Users.Add(new FtpLocalUser { Name = name, PasswordHash = passwordHash, HomeDirectory = home, Permissions = permissions });
        return this;
    }
}

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
}
