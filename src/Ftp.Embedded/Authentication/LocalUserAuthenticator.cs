using Microsoft.Extensions.Options;

namespace Ftp.Embedded;

/// <summary>
/// Checks the configured local users' PBKDF2 password hashes. A certificate-only login
/// (<see cref="FtpLoginContext.AuthenticatedByCertificate"/>) of a configured user needs no password.
/// </summary>
public sealed class LocalUserAuthenticator : IFtpAuthenticator
{
    // Checked for unknown names too, so that the time a rejection takes does not tell which accounts exist.
    private static readonly Lazy<string> DummyHash = new(() => FtpPasswordHasher.Hash(Guid.NewGuid().ToString()));
    private readonly Dictionary<string, FtpLocalUser> _users;
    private readonly string[] _names;

    /// <summary>Creates the authenticator.</summary>
    /// <param name="options">The users.</param>
    public LocalUserAuthenticator(IOptions<FtpLocalUserOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _users = new Dictionary<string, FtpLocalUser>(StringComparer.Ordinal);
        foreach (var user in options.Value.Users)
        {
            _users[user.Name] = user;
        }

        _names = options.Value.Users.Select(u => u.Name).ToArray();
    }

    /// <summary>The configured names in their configuration order (index N is <c>Ftp:Users:N</c>), for start-up checks.</summary>
    internal IReadOnlyList<string> UserNames => _names;

    /// <inheritdoc/>
    public async ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        if (login.AuthenticatedByCertificate)
        {
            // The engine has checked that the session's client certificate maps to this name.
            return _users.TryGetValue(login.UserName, out var known) ? ToFtpUser(known) : null;
        }

        // PBKDF2 costs tens of milliseconds of CPU: run it on the thread pool, never on the thread that completed the
        // socket read (with inline socket completions that thread serves every connection).
        return await Task.Run(() =>
        {
            if (!_users.TryGetValue(login.UserName, out var user))
            {
                FtpPasswordHasher.Verify(login.Password, DummyHash.Value);
                return null;
            }

            return FtpPasswordHasher.Verify(login.Password, user.PasswordHash) ? ToFtpUser(user) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The logged-in user of <paramref name="user"/>, with its limits; <see langword="null"/> (refused) when one of its
    /// networks does not parse, which start-up validation reports: a typo never opens the account to every network.
    /// </summary>
    private static FtpUser? ToFtpUser(FtpLocalUser user)
    {
        var networks = new List<System.Net.IPNetwork>(user.AllowedNetworks.Count);
        foreach (var entry in user.AllowedNetworks)
        {
            if (!Internal.Proxy.TrustedNetworks.TryParse(entry, out var network))
            {
                return null;
            }

            networks.Add(network);
        }

        return new FtpUser(user.Name, user.HomeDirectory, user.Permissions)
        {
            MaxDownloadRate = user.MaxDownloadRate,
            MaxUploadRate = user.MaxUploadRate,
            MaxSessions = user.MaxSessions,
            AllowedNetworks = networks,
        };
    }

    /// <inheritdoc/>
    public bool IsKnownUser(string userName) => _users.ContainsKey(userName);
}
