namespace Ftp.Embedded;

/// <summary>A logged-in user, as an <see cref="IFtpAuthenticator"/> returns it.</summary>
public sealed class FtpUser
{
    private readonly long _maxDownloadRate;
    private readonly long _maxUploadRate;
    private readonly int _maxSessions;
    private readonly IReadOnlyList<System.Net.IPNetwork> _allowedNetworks = [];

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

    /// <summary>
    /// The most bytes per second each download of this user may move (vsftpd's <c>local_max_rate</c> and
    /// <c>anon_max_rate</c>, ProFTPD's <c>TransferRate</c>): a limit of each session, under the server's own
    /// <see cref="FtpServerLimits.MaxDownloadRate"/>. 0 (the default): none. At least 1024 otherwise.
    /// </summary>
    public long MaxDownloadRate { get => _maxDownloadRate; init => _maxDownloadRate = FtpServerLimits.CheckRate(value); }

    /// <summary>
    /// The most bytes per second each upload of this user may move, per session like <see cref="MaxDownloadRate"/>,
    /// under <see cref="FtpServerLimits.MaxUploadRate"/>. 0 (the default): none. At least 1024 otherwise.
    /// </summary>
    public long MaxUploadRate { get => _maxUploadRate; init => _maxUploadRate = FtpServerLimits.CheckRate(value); }

    /// <summary>
    /// How many sessions this user may be logged in with at once (ProFTPD's <c>MaxClientsPerUser</c>); a login beyond it
    /// gets 530 and a session's place is given back when it logs out or ends. Counted by <see cref="Name"/>. 0 (the
    /// default): no limit.
    /// </summary>
    public int MaxSessions
    {
        get => _maxSessions;
        init => _maxSessions = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSessions), value, "FtpUser.MaxSessions must be 0 (no limit) or more.");
    }

    /// <summary>
    /// The client networks this user may log in from (IPv4-mapped addresses and networks count as IPv4); a login from elsewhere
    /// is answered like a wrong password (530), so the reply does not tell the password was right, and logged with the
    /// reason. Empty (the default): from anywhere.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> AllowedNetworks
    {
        get => _allowedNetworks;
        init => _allowedNetworks = value is null
            ? throw new ArgumentNullException(nameof(AllowedNetworks))
            : [.. value.Select(n => n.BaseAddress.IsIPv4MappedToIPv6 && n.PrefixLength >= 96 ? new System.Net.IPNetwork(n.BaseAddress.MapToIPv4(), n.PrefixLength - 96) : n)];
    }

    /// <summary>Whether the user holds <paramref name="permission"/>.</summary>
    /// <param name="permission">One or more permissions that must all be held.</param>
    public bool Can(FtpPermissions permission) => (Permissions & permission) == permission;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
