using System.Collections.Concurrent;

namespace Ftp.Embedded.Samples.CustomAuthentication;

/// <summary>One of the application's own accounts (in a real application: a row of its user table).</summary>
public sealed record AppAccount(string Name, string PasswordHash, string Root, FtpPermissions Permissions, bool MayUseActiveMode, bool Disabled = false);

/// <summary>The application's user store. Here a dictionary; the FTP server only sees it through the authenticator.</summary>
public sealed class AppUserStore
{
    private readonly ConcurrentDictionary<string, AppAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public void Save(AppAccount account) => _accounts[account.Name] = account;

    public AppAccount? Find(string name) => _accounts.GetValueOrDefault(name);
}
