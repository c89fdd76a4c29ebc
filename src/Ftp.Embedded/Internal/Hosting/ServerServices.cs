using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ftp.Embedded.Internal.Hosting;

/// <summary>What a server is built from: the settings and the application's seams, gathered once by
/// <see cref="FtpServer.Create"/> or by the service provider.</summary>
internal sealed record ServerServices(
    FtpServerOptions Options,
    IFtpFileSystemProvider FileSystemProvider,
    IReadOnlyList<IFtpAuthenticator> Authenticators,
    IFtpDataChannelPolicy DataChannelPolicy)
{
    public FtpServerEvents Events { get; init; } = new();

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the <c>Ftp.Embedded</c> meter comes from; <see langword="null"/>: a meter of its own.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>Per-user upload quotas; <see langword="null"/>: none.</summary>
    public IFtpQuota? Quota { get; init; }

    /// <summary>The application's SITE commands, in registration order.</summary>
    public IReadOnlyList<Commands.SiteCommandRegistration> SiteCommands { get; init; } = [];
}
