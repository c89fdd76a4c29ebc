namespace Ftp.Embedded;

/// <summary>
/// Settings of the machine's accounts as FTP users (<c>UseSystemUsers</c>): Linux, a process running as root, passwords
/// checked by PAM, and every file operation done with the user's own file-system ids. The
/// server refuses to start with them elsewhere.
/// </summary>
public sealed class FtpSystemUserOptions
{
    /// <summary>
    /// The PAM service that checks passwords and accounts: <c>/etc/pam.d/&lt;PamService&gt;</c> must exist (checked at
    /// start). Default <c>ftp</c>.
    /// </summary>
    public string PamService { get; set; } = "ftp";

    /// <summary>
    /// <see langword="null"/> (the default): each user is jailed to its home directory from the password database, as
    /// vsftpd's <c>chroot_local_user</c>. A host directory: every system user sees that directory as <c>/</c>, and the
    /// files' owners and modes decide who may do what in it.
    /// </summary>
    public string? SharedRoot { get; set; }

    /// <summary>What system users may do, before the kernel checks the files' own permissions. Default: everything.</summary>
    public FtpPermissions Permissions { get; set; } = FtpPermissions.All;

    /// <summary>
    /// How many PAM checks may run at once (1 to 64, default 4). Each one blocks a thread of its own, for seconds when a
    /// module delays failures; further logins wait their turn.
    /// </summary>
    public int MaxConcurrentAuthentications { get; set; } = 4;
}
