using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>
/// Gives each system user a disk filesystem over its home directory (or the shared root) whose calls run with the user's
/// own file-system ids. Users that did not log in as system users are refused with 530.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class SystemUserFileSystemProvider : IFtpFileSystemProvider
{
    private readonly FtpSystemUserOptions _options;
    private readonly SystemAccounts _accounts;
    private readonly ILogger _logger;

    public SystemUserFileSystemProvider(IOptions<FtpSystemUserOptions> options, SystemAccounts accounts, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _accounts = accounts;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Ftp.Embedded.SystemUsers");
    }

    /// <inheritdoc/>
    public FtpFileSystemCapabilities Capabilities
        => FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AvailableSpace | FtpFileSystemCapabilities.AtomicUploads;

    /// <inheritdoc/>
    public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var account = _accounts.Find(user)
            ?? throw new FtpException(FtpReplyCode.NotLoggedIn, "Login refused: this server serves the machine's accounts only.");
        var root = _options.SharedRoot ?? account.HomeDirectory;
        // Made with the user's ids: a home the user cannot reach is as missing as one that does not exist (530).
        var fileSystem = ThreadIdentity.Run(account, _logger, (account, root, _logger), static s => new SystemUserFileSystem(s.account, s.root, s._logger));
        return ValueTask.FromResult<IFtpFileSystem>(fileSystem);
    }
}
