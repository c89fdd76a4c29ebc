using Microsoft.Extensions.Options;

namespace Ftp.Embedded;

/// <summary>Lets the anonymous names log in with any password.</summary>
public sealed class AnonymousAuthenticator : IFtpAuthenticator
{
    /// <summary>Creates the authenticator.</summary>
    /// <param name="options">The anonymous settings.</param>
    public AnonymousAuthenticator(IOptions<FtpAnonymousOptions> options) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public bool IsKnownUser(string userName) => throw new NotImplementedException();
}
