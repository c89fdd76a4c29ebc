using System.Collections.Frozen;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Tls;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Hosting;

/// <summary>What every session of one server shares.</summary>
internal sealed class ServerContext
{
    public ServerContext(ServerServices services)
    {
        var options = services.Options;
        Options = options;
        FileSystemProvider = services.FileSystemProvider;
        Authenticators = services.Authenticators;
        DataChannelPolicy = services.DataChannelPolicy;
        Events = services.Events;
        Logger = services.LoggerFactory.CreateLogger("Ftp.Embedded.FtpServer");
        TimeProvider = services.TimeProvider;
        Metrics = new FtpMetrics(services.MeterFactory);
        Quota = services.Quota;
        SiteCommandList = services.SiteCommands;
        SiteCommands = services.SiteCommands
            .GroupBy(c => c.Name.ToUpperInvariant(), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First() with { Name = g.Key }, StringComparer.Ordinal);
        Bans = new Security.BanList(options.Security.Ban, TimeProvider);
        PassivePorts = new PassivePortPool(options.Passive.PortRange);
        Metrics.ObservePassivePorts(PassivePorts);
        Tls = new TlsContext(options.Tls, TimeProvider, Logger);
        TrustedProxies = Proxy.TrustedNetworks.From(options.Proxy.TrustedNetworks);
        DownloadRate = options.Limits.MaxDownloadRate > 0 ? new TokenBucket(options.Limits.MaxDownloadRate, TimeProvider) : null;
        UploadRate = options.Limits.MaxUploadRate > 0 ? new TokenBucket(options.Limits.MaxUploadRate, TimeProvider) : null;
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

    public IFtpQuota? Quota { get; }

    /// <summary>The application's SITE commands by upper-case name (the first of a name; start-up validation refuses duplicates).</summary>
    public FrozenDictionary<string, Commands.SiteCommandRegistration> SiteCommands { get; }

    /// <summary>The application's SITE commands as registered, for start-up validation.</summary>
    public IReadOnlyList<Commands.SiteCommandRegistration> SiteCommandList { get; }

    /// <summary>The networks PROXY protocol headers are read from (<see cref="FtpProxyOptions.TrustedNetworks"/>), control and data.</summary>
    public Proxy.TrustedNetworks TrustedProxies { get; }

    public Security.BanList Bans { get; }

    /// <summary>The server's download limit, shared by all sessions; <see langword="null"/>: none.</summary>
    public TokenBucket? DownloadRate { get; }

    /// <summary>The server's upload limit, shared by all sessions; <see langword="null"/>: none.</summary>
    public TokenBucket? UploadRate { get; }

    /// <summary>Logged-in sessions per user name, for <see cref="FtpUser.MaxSessions"/>.</summary>
    public Connections.UserSessions UserSessions { get; } = new();

    /// <summary>The xferlog writer while the server runs with <see cref="FtpServerOptions.TransferLogPath"/> set.</summary>
    public TransferLog? TransferLog { get; private set; }

    /// <summary>Opens the transfer log when one is configured; throws when the file cannot be created.</summary>
    public void OpenTransferLog()
    {
        if (!string.IsNullOrEmpty(Options.TransferLogPath))
        {
            TransferLog = TransferLog.Open(Options.TransferLogPath, Logger);
        }
    }

    /// <summary>Writes what is queued in the transfer log and closes it.</summary>
    public Task CloseTransferLogAsync() => TransferLog?.CloseAsync(TimeSpan.FromSeconds(10)) ?? Task.CompletedTask;
}
