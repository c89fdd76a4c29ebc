namespace Ftp.Embedded.Samples.CustomAuthentication;

/// <summary>
/// Checks logins against the application's <see cref="AppUserStore"/>. Each account has its own root, permissions and
/// data-connection rights (carried to the policy in <see cref="FtpUser.Tag"/>).
/// </summary>
public sealed class StoreAuthenticator(AppUserStore store) : IFtpAuthenticator
{
    public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        var account = store.Find(login.UserName);
        if (account is null || account.Disabled || !FtpPasswordHasher.Verify(login.Password, account.PasswordHash))
        {
            return ValueTask.FromResult<FtpUser?>(null);
        }

        return ValueTask.FromResult<FtpUser?>(new FtpUser(account.Name, account.Root, account.Permissions) { Tag = account });
    }

    // The store owns these names: a wrong password here is final, no later authenticator is asked.
    public bool IsKnownUser(string userName) => store.Find(userName) is not null;
}
