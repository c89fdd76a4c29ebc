using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Tls;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Hosting;

/// <summary>What every session of one server shares.</summary>
internal sealed class ServerContext
{
    public ServerContext(
        FtpServerOptions options,
        IFtpFileSystemProvider fileSystemProvider,
        IReadOnlyList<IFtpAuthenticator> authenticators,
        IFtpDataChannelPolicy dataChannelPolicy,
        FtpServerEvents events,
        ILogger logger,
        TimeProvider timeProvider,
        FtpMetrics metrics)
    {
        Options = options;
        FileSystemProvider = fileSystemProvider;
        Authenticators = authenticators;
        DataChannelPolicy = dataChannelPolicy;
        Events = events;
        Logger = logger;
        TimeProvider = timeProvider;
        Metrics = metrics;
        PassivePorts = new PassivePortPool(options.Passive.PortRange);
        metrics.ObservePassivePorts(PassivePorts);
        Tls = new TlsContext(options.Tls, timeProvider);
    }

    public FtpServerOptions Options { get; }

    public IFtpFileSystemProvider FileSystemProvider { get; }

    public IReadOnlyList<IFtpAuthenticator> Authenticators { get; }

    public IFtpDataChannelPolicy DataChannelPolicy { get; }

    public FtpServerEvents Events { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    public FtpMetrics Metrics { get; }

    public PassivePortPool PassivePorts { get; }

    public TlsContext Tls { get; }
}
