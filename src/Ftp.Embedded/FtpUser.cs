namespace Ftp.Embedded;

/// <summary>A logged-in user, as an <see cref="IFtpAuthenticator"/> returns it.</summary>
public sealed class FtpUser
{
    /// <summary>Creates a user.</summary>
    /// <param name="name">The login name.</param>
    /// <param name="homeDirectory">
    /// The user's root inside the filesystem provider, as a virtual absolute path (<c>/</c>, <c>/home/alice</c>).
    /// The user sees it as <c>/</c> and can never leave it.
    /// </param>
    /// <param name="permissions">What the user may do.</param>
    public FtpUser(string name, string homeDirectory, FtpPermissions permissions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(homeDirectory);
        Name = name;
        HomeDirectory = homeDirectory;
        Permissions = permissions;
    }

    /// <summary>The login name.</summary>
    public string Name { get; }

    /// <summary>The user's root inside the filesystem provider (a virtual absolute path).</summary>
    public string HomeDirectory { get; }

    /// <summary>What the user may do.</summary>
    public FtpPermissions Permissions { get; }

    /// <summary>Whether this is an anonymous login.</summary>
    public bool IsAnonymous { get; init; }

    /// <summary>
    /// For anonymous users: a directory (virtual path relative to the user's root, such as <c>/incoming</c>)
    /// where files may be uploaded but not listed, downloaded, renamed or deleted. <see langword="null"/>: none.
    /// </summary>
    public string? UploadOnlyDirectory { get; init; }

    /// <summary>Application data attached by the authenticator (for example a tenant id).</summary>
    public object? Tag { get; init; }

    /// <summary>Whether the user holds <paramref name="permission"/>.</summary>
    /// <param name="permission">One or more permissions that must all be held.</param>
    public bool Can(FtpPermissions permission) => (Permissions & permission) == permission;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
