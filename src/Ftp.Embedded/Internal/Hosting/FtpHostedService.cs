using Microsoft.Extensions.Hosting;

namespace Ftp.Embedded.Internal.Hosting;

/// <summary>Starts and stops the <see cref="FtpServer"/> with the host.</summary>
internal sealed class FtpHostedService(FtpServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
}
