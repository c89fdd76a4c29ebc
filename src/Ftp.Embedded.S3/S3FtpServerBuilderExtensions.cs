using Ftp.Embedded;
using Ftp.Embedded.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves files from S3-compatible object storage.</summary>
public static class S3FtpServerBuilderExtensions
{
    /// <summary>Serves files from an S3 bucket through <see cref="S3FileSystemProvider"/>; each user is jailed below the prefix of its home.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the endpoint, bucket, credentials and limits.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public static IFtpServerBuilder UseS3FileSystem(this IFtpServerBuilder builder, Action<S3FileSystemOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new S3FileSystemOptions();
        configure(options);
        options.Validate();
        builder.Services.Replace(ServiceDescriptor.Singleton<IFtpFileSystemProvider>(services => new S3FileSystemProvider(options, services.GetService<ILoggerFactory>())));
        return builder;
    }
}
