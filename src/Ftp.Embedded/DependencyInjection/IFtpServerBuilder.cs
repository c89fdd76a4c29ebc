namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the FTP server registered by <see cref="FtpServerServiceCollectionExtensions.AddFtpServer"/>.</summary>
public interface IFtpServerBuilder
{
    /// <summary>The service collection the server is registered in.</summary>
    IServiceCollection Services { get; }
}

internal sealed class FtpServerBuilder(IServiceCollection services) : IFtpServerBuilder
{
    public IServiceCollection Services { get; } = services;
}
