using System.Diagnostics.CodeAnalysis;
using Ftp.Embedded;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ftp.Embedded.Internal.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the filesystem, authenticators and policies of the FTP server.</summary>
public static class FtpServerBuilderExtensions
{
    /// <summary>Serves files from a host directory; each user is jailed to its home directory below <paramref name="rootPath"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rootPath">The host directory that is the provider's <c>/</c>.</param>
    /// <param name="createHomeDirectories">
    /// Whether a user's missing home directory is created at login (the default), or the login refused with 530.
    /// </param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UsePhysicalFileSystem(this IFtpServerBuilder builder, string rootPath, bool createHomeDirectories = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        var provider = new PhysicalFileSystemProvider(rootPath) { CreateHomeDirectories = createHomeDirectories };
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpFileSystemProvider>(provider));
        return builder;
    }

    /// <summary>Serves files from memory (lost when the process ends). Missing home directories are created.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="fileSystem">The tree to serve, so the application can fill and inspect it; <see langword="null"/>: a new empty one.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UseInMemoryFileSystem(this IFtpServerBuilder builder, InMemoryFileSystem? fileSystem = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpFileSystemProvider>(new InMemoryFileSystemProvider(fileSystem ?? new InMemoryFileSystem())));
        return builder;
    }

    /// <summary>Serves files from a filesystem provider of the application's own, resolved from the container.</summary>
    /// <typeparam name="T">The provider type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UseFileSystem<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFtpServerBuilder builder)
        where T : class, IFtpFileSystemProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<T>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpFileSystemProvider>(sp => sp.GetRequiredService<T>()));
        return builder;
    }

    /// <summary>Lets <c>anonymous</c> and <c>ftp</c> log in with any password, read-only at <c>/pub</c> by default.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the names, root, permissions or upload folder.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder AddAnonymous(this IFtpServerBuilder builder, Action<FtpAnonymousOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FtpAnonymousOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FtpAnonymousOptions>, FtpConfigurationSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FtpAnonymousOptions>, FtpAnonymousOptionsValidator>());
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFtpAuthenticator, AnonymousAuthenticator>());
        return builder;
    }

    /// <summary>Adds users with PBKDF2-hashed passwords, from code and from the <c>Ftp:Users</c> configuration section.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds users in code.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder AddLocalUsers(this IFtpServerBuilder builder, Action<FtpLocalUserOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FtpLocalUserOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FtpLocalUserOptions>, FtpConfigurationSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FtpLocalUserOptions>, FtpLocalUserOptionsValidator>());
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFtpAuthenticator, LocalUserAuthenticator>());
        return builder;
    }

    /// <summary>Adds an authenticator of the application's own, asked after those registered before it.</summary>
    /// <typeparam name="T">The authenticator type, resolved from the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder AddAuthenticator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFtpServerBuilder builder)
        where T : class, IFtpAuthenticator
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFtpAuthenticator, T>());
        return builder;
    }

    /// <summary>
    /// Offers FTPS with <paramref name="certificate"/>: AUTH TLS on every endpoint (RFC 4217). Use the overload with options
    /// for implicit-TLS endpoints, a certificate file that can be renewed in place, and TLS requirements.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="certificate">The server certificate with its private key.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UseTls(this IFtpServerBuilder builder, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return builder.UseTls(tls => tls.Certificate = certificate);
    }

    /// <summary>Offers FTPS as <paramref name="configure"/> sets it (certificate, implicit endpoints, requirements).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets <see cref="FtpServerOptions.Tls"/>.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UseTls(this IFtpServerBuilder builder, Action<FtpTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<FtpServerOptions>(o => configure(o.Tls));
        return builder;
    }

    /// <summary>Replaces the data-channel policy (passive address, active targets, passive peers).</summary>
    /// <typeparam name="T">The policy type, resolved from the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UseDataChannelPolicy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFtpServerBuilder builder)
        where T : class, IFtpDataChannelPolicy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpDataChannelPolicy, T>());
        return builder;
    }

    /// <summary>Limits how much each user may upload with an <see cref="IFtpQuota"/> (552 when exceeded; AVBL reports it).</summary>
    /// <typeparam name="T">The quota type, resolved from the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder UseQuota<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFtpServerBuilder builder)
        where T : class, IFtpQuota
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpQuota, T>());
        return builder;
    }

    /// <summary>
    /// Adds a SITE command of the application's own: <c>SITE NAME arguments</c> calls <paramref name="handler"/> and
    /// sends the reply it returns. It runs only after login; it is cancelled after <see cref="FtpServerLimits.DataStallTimeout"/>
    /// or when the session ends; an exception or a missed deadline is logged and answered with 451. SITE HELP lists it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">
    /// The command's name, 1 to 32 ASCII letters, digits, '-' or '_', case-insensitive. CHMOD, UTIME and HELP are built in:
    /// taking one of them, or a name twice, fails the server's start with a message that names it.
    /// </param>
    /// <param name="handler">
    /// Called with the request (user, argument, session) and a token; returns the reply (<see cref="FtpSiteReply.Ok"/>,
    /// <see cref="FtpSiteReply.Create"/>). Check the user's rights here: the engine checks only that someone is logged in.
    /// </param>
    /// <param name="syntax">What SITE HELP shows for it, without the leading <c>SITE</c> (for example <c>REINDEX [&lt;path&gt;]</c>); <see langword="null"/>: the name.</param>
    /// <returns>The builder.</returns>
    public static IFtpServerBuilder AddSiteCommand(this IFtpServerBuilder builder, string name,
        Func<FtpSiteCommandContext, CancellationToken, ValueTask<FtpSiteReply>> handler, string? syntax = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(handler);
        builder.Services.AddSingleton(new Ftp.Embedded.Internal.Commands.SiteCommandRegistration(name, handler, syntax));
        return builder;
    }
}
