using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ftp.Embedded.S3;

/// <summary>
/// Serves files from an S3 bucket: each user's home is a key prefix (<c>[KeyPrefix/]home/path/</c>) and its keys never
/// leave it. Directories are key prefixes, an empty directory a zero-byte <c>dir/</c> marker. Uploads are atomic
/// multipart uploads.
/// </summary>
public sealed partial class S3FileSystemProvider : IFtpFileSystemProvider, IFtpStaleUploadCleanup, IDisposable
{
    private readonly S3FileSystemOptions _options;
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly string _rootPrefix;
    private readonly ILogger _logger;
    private readonly S3Errors _errors;

    /// <summary>Creates the provider, which logs nothing.</summary>
    /// <param name="options">The bucket, endpoint and credentials (validated here).</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public S3FileSystemProvider(S3FileSystemOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates the provider, which logs the store's failures (with its endpoint) and the stale-upload sweep.</summary>
    /// <param name="options">The bucket, endpoint and credentials (validated here).</param>
    /// <param name="loggerFactory">Creates the provider's logger (category <c>Ftp.Embedded.S3</c>); <see langword="null"/>: no logging.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public S3FileSystemProvider(S3FileSystemOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _rootPrefix = S3Keys.Prefix(options.KeyPrefix);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Ftp.Embedded.S3");
        if (options.Client is { } client)
        {
            _client = client;
        }
        else
        {
            _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), CreateConfig(options));
            _ownsClient = true;
        }

        _errors = new S3Errors(_logger, _client.Config.ServiceURL ?? options.ServiceUrl?.ToString() ?? "(the client's endpoint)");
    }

    internal static AmazonS3Config CreateConfig(S3FileSystemOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl!.ToString(),
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(100),
            ConnectTimeout = options.ConnectTimeout,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxErrorRetries,
        };
        if (options.HttpClientFactory is { } factory)
        {
            config.HttpClientFactory = factory;
        }

        return config;
    }

    /// <summary>Modification times (MFMT) and atomic uploads.</summary>
    public FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AtomicUploads;

    /// <summary>Returns the filesystem of <paramref name="user"/>, rooted at the prefix of its home; writes the home's marker if missing.</summary>
    /// <param name="user">The logged-in user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user's filesystem.</returns>
    public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var home = S3Keys.Prefix(user.HomeDirectory);
        var fs = new S3FileSystem(_client, _options, _rootPrefix + home, _errors);
        if (home.Length > 0)
        {
            await fs.EnsureRootAsync(cancellationToken).ConfigureAwait(false);
        }

        return fs;
    }

    /// <summary>Aborts multipart uploads under the key prefix started before now minus the larger of <paramref name="olderThan"/> and <see cref="S3FileSystemOptions.StaleUploadAge"/>.</summary>
    /// <param name="olderThan">The least age of an upload to abort.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many uploads were aborted.</returns>
    public async ValueTask<int> RemoveStaleUploadsAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var cutoff = _options.TimeProvider.GetUtcNow().UtcDateTime - (olderThan > _options.StaleUploadAge ? olderThan : _options.StaleUploadAge);
        var request = new ListMultipartUploadsRequest { BucketName = _options.BucketName, Prefix = _rootPrefix };
        var aborted = 0;
        while (true)
        {
            var page = await _errors.Run(() => _client.ListMultipartUploadsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && initiated.ToUniversalTime() < cutoff)
                {
                    await _errors.Run(() => _client.AbortMultipartUploadAsync(_options.BucketName, upload.Key, upload.UploadId, cancellationToken), cancellationToken).ConfigureAwait(false);
                    StaleUploadAborted(_logger, upload.Key, initiated.ToUniversalTime());
                    aborted++;
                }
            }

            if (page.IsTruncated != true)
            {
                return aborted;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    /// <summary>Disposes the S3 client when the provider created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    [LoggerMessage(1004, LogLevel.Information, "Aborted the stale multipart upload of {Key}, started {Initiated:O}")]
    private static partial void StaleUploadAborted(ILogger logger, string key, DateTime initiated);
}
