namespace Ftp.Embedded;

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
