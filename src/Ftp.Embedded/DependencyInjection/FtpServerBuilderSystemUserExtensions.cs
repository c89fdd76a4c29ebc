using System.Runtime.Versioning;
using Ftp.Embedded;
using Ftp.Embedded.Internal.SystemUsers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The machine's accounts as FTP users.</summary>
public static class FtpServerBuilderSystemUserExtensions
{
    /// <summary>
    /// Lets the machine's accounts log in, as vsftpd's local users: passwords and accounts checked by PAM, the home
    /// directory and ids from the password database, and every file created, read or removed with the user's own
    /// permissions (each filesystem call runs with the user's file-system ids on its thread). Replaces the filesystem:
    /// other authenticators' users are refused with 530. Linux only, and the process must run as root (checked at start).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the PAM service, a shared root, permissions or the number of concurrent PAM checks.</param>
    /// <returns>The builder.</returns>
    [SupportedOSPlatform("linux")]
    public static IFtpServerBuilder UseSystemUsers(this IFtpServerBuilder builder, Action<FtpSystemUserOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FtpSystemUserOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FtpSystemUserOptions>, SystemUserOptionsValidator>());
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<SystemAccounts>();
        builder.Services.TryAddSingleton<SystemUserFileSystemProvider>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpFileSystemProvider>(sp => sp.GetRequiredService<SystemUserFileSystemProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFtpAuthenticator, SystemUserAuthenticator>());
        return builder;
    }
}
