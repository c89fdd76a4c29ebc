using Ftp.Embedded;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Configuration;
using Ftp.Embedded.Internal.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the FTP server in a service collection.</summary>
public static class FtpServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="FtpServer"/> that starts and stops with the host. Options bind from the <c>Ftp</c> configuration
    /// section (when an <c>IConfiguration</c> is registered), then <paramref name="configure"/> applies, then they are validated
    /// on start. Calling it again adds <paramref name="configure"/> and registers nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; runs after configuration binding.</param>
    /// <returns>A builder to choose the filesystem and authenticators.</returns>
    public static IFtpServerBuilder AddFtpServer(this IServiceCollection services, Action<FtpServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FtpServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FtpServerOptions>, FtpConfigurationSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FtpServerOptions>, FtpServerOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FtpServerEvents>();
        services.TryAddSingleton<IFtpDataChannelPolicy, DefaultDataChannelPolicy>();
        services.TryAddSingleton(CreateServer);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FtpHostedService>());
        return new FtpServerBuilder(services);
    }

    private static FtpServer CreateServer(IServiceProvider sp)
    {
        var fileSystem = sp.GetService<IFtpFileSystemProvider>()
            ?? throw new InvalidOperationException(
                "No FTP filesystem is registered: call UsePhysicalFileSystem(root), UseInMemoryFileSystem() or UseFileSystem<T>() on the builder AddFtpServer returns.");
        var authenticators = sp.GetServices<IFtpAuthenticator>().ToArray();
        return new FtpServer(new ServerServices(
            sp.GetRequiredService<IOptions<FtpServerOptions>>().Value, fileSystem, authenticators, sp.GetRequiredService<IFtpDataChannelPolicy>())
        {
            Events = sp.GetRequiredService<FtpServerEvents>(),
            LoggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            TimeProvider = sp.GetRequiredService<TimeProvider>(),
            MeterFactory = sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
            Quota = sp.GetService<IFtpQuota>(),
            SiteCommands = sp.GetServices<Ftp.Embedded.Internal.Commands.SiteCommandRegistration>().ToArray(),
        });
    }
}
