using Microsoft.Extensions.Options;

namespace Ftp.Embedded;

/// <summary>Checks the configured local users' PBKDF2 password hashes.</summary>
public sealed class LocalUserAuthenticator : IFtpAuthenticator
{
    /// <summary>Creates the authenticator.</summary>
    /// <param name="options">The users.</param>
    public LocalUserAuthenticator(IOptions<FtpLocalUserOptions> options) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public bool IsKnownUser(string userName) => throw new NotImplementedException();
}
