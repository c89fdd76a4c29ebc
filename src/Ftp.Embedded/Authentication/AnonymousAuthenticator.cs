using Microsoft.Extensions.Options;

namespace Ftp.Embedded;

/// <summary>Lets the anonymous names (<c>anonymous</c>, <c>ftp</c>) log in with any password.</summary>
public sealed class AnonymousAuthenticator : IFtpAuthenticator
{
    private readonly FtpAnonymousOptions _options;

    /// <summary>Creates the authenticator.</summary>
    /// <param name="options">The anonymous settings.</param>
    public AnonymousAuthenticator(IOptions<FtpAnonymousOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <inheritdoc/>
    public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        return ValueTask.FromResult(IsKnownUser(login.UserName)
            ? new FtpUser(login.UserName, _options.HomeDirectory, _options.Permissions)
            {
                IsAnonymous = true,
                UploadOnlyDirectory = _options.UploadDirectory,
                MaxDownloadRate = _options.MaxDownloadRate,
                MaxUploadRate = _options.MaxUploadRate,
            }
            : null);
    }

    /// <inheritdoc/>
    public bool IsKnownUser(string userName) => _options.UserNames.Contains(userName, StringComparer.OrdinalIgnoreCase);
}
