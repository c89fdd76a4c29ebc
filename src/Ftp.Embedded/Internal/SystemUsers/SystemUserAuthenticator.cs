using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>
/// Logs the machine's accounts in: the password and the account checked by PAM, then the ids, groups and home directory
/// taken from the password database. The account travels with the <see cref="FtpUser"/> to
/// <see cref="SystemUserFileSystemProvider"/>. Root never logs in.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class SystemUserAuthenticator : IFtpAuthenticator, IDisposable
{
    private const int MaxNameLength = 256;
    private readonly FtpSystemUserOptions _options;
    private readonly SystemAccounts _accounts;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate;

    public SystemUserAuthenticator(IOptions<FtpSystemUserOptions> options, SystemAccounts accounts, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _accounts = accounts;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Ftp.Embedded.SystemUsers");
        _gate = new SemaphoreSlim(_options.MaxConcurrentAuthentications, _options.MaxConcurrentAuthentications);
    }

    /// <inheritdoc/>
    public async ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        if (!IsPlausibleName(login.UserName) || login.Password.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        // PAM blocks (files, a directory server, a delay after a failure): a bounded number of checks run at once, each on
        // a thread of its own, so a slow PAM never holds the threads that serve connections.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Factory.StartNew(
                static state =>
                {
                    var (self, login) = ((SystemUserAuthenticator, FtpLoginContext))state!;
                    return self.Check(login);
                },
                (this, login), cancellationToken, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The check itself: blocking, on the caller's thread.</summary>
    internal FtpUser? Check(FtpLoginContext login)
    {
        var name = login.UserName;
        try
        {
            var result = Pam.Authenticate(_options.PamService, name, login.Password, RemoteHost(login.Session.RemoteEndPoint));
            if (!result.Succeeded)
            {
                FtpLog.SystemUserPamRejected(_logger, name, _options.PamService, result.Step, result.Code);
                return null;
            }

            var account = PasswordDatabase.Find(name);
            var refusal = account switch
            {
                null => "PAM accepted the name, but the password database has no such account",
                { UserId: 0 } => "root may not log in over FTP",
                _ when !Path.IsPathFullyQualified(account.HomeDirectory) => $"the home directory '{account.HomeDirectory}' is not an absolute path",
                _ => null,
            };
            if (refusal is not null)
            {
                FtpLog.SystemUserRefused(_logger, name, refusal);
                return null;
            }

            var user = new FtpUser(name, _options.SharedRoot is null ? account!.HomeDirectory : "/", _options.Permissions);
            _accounts.Attach(user, account!);
            return user;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            FtpLog.SystemUserPamFailed(_logger, name, ex);
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private static bool IsPlausibleName(string name)
        => name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAny("\0/:") && !name.StartsWith('-');

    private static string RemoteHost(IPEndPoint endPoint)
        => (endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address).ToString();
}

/// <summary>The accounts of logged-in system users, attached to their <see cref="FtpUser"/> without using its <c>Tag</c>.</summary>
[SupportedOSPlatform("linux")]
internal sealed class SystemAccounts
{
    private readonly ConditionalWeakTable<FtpUser, SystemAccount> _accounts = new();

    public void Attach(FtpUser user, SystemAccount account) => _accounts.AddOrUpdate(user, account);

    public SystemAccount? Find(FtpUser user) => _accounts.TryGetValue(user, out var account) ? account : null;
}
