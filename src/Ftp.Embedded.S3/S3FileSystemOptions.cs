using Amazon.S3;

namespace Ftp.Embedded.S3;

/// <summary>Where and how <see cref="S3FileSystemProvider"/> stores files.</summary>
public sealed class S3FileSystemOptions
{
    /// <summary>The smallest part size S3 accepts for a multipart upload (5 MiB).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>The S3 endpoint, for example <c>http://127.0.0.1:7480</c>; <see langword="null"/> with <see cref="Client"/>.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The bucket that holds every user's files. Required.</summary>
    public string BucketName { get; set; } = "";

    /// <summary>An optional key prefix below which everything is stored (for example <c>ftp</c>); empty: the bucket's root.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>The access key; with <see cref="SecretKey"/>, used when <see cref="Client"/> is not given.</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret key; never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The signing region (any value for RGW and MinIO). Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style addressing (<c>http://host/bucket/key</c>), needed by RGW and MinIO. Default <see langword="true"/>.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>A client the application built; when set, <see cref="ServiceUrl"/> and the keys are not used and the provider does not dispose it.</summary>
    public IAmazonS3? Client { get; set; }

    /// <summary>The part size of multipart uploads, at least 5 MiB; each upload holds one part-sized buffer in memory. Default 8 MiB.</summary>
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Multipart uploads started longer ago than this are aborted by the stale-upload sweep. Default one day.</summary>
    public TimeSpan StaleUploadAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most keys a directory rename copies; past it the rename is refused with 550. Default 1,000.</summary>
    public int MaxDirectoryRenameKeys { get; set; } = 1000;

    /// <summary>
    /// Whether listings read each file's modification time set by MFMT (one HEAD request per file, made in parallel);
    /// <see langword="false"/>: listings show the object's LastModified, which MFMT cannot change. Default <see langword="true"/>.
    /// </summary>
    public bool ListingsReadModificationTimes { get; set; } = true;

    /// <summary>
    /// How long connecting to the store may take before the attempt fails (then retried, see <see cref="MaxErrorRetries"/>);
    /// not used with <see cref="Client"/>. Default 5 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a request that failed with throttling (<c>SlowDown</c>), a 5xx or a failed connection is retried, with
    /// exponential backoff, before the command fails with 451; not used with <see cref="Client"/>. Default 3.
    /// </summary>
    public int MaxErrorRetries { get; set; } = 3;

    /// <summary>Builds the HTTP clients of the S3 client the provider creates (tests inject faults through it).</summary>
    internal Amazon.Runtime.HttpClientFactory? HttpClientFactory { get; set; }

    /// <summary>The clock the stale-upload sweep measures ages with (tests set the time).</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(BucketName))
        {
            throw new ArgumentException("S3FileSystemOptions.BucketName is empty: set the bucket that holds the files.");
        }

        if (Client is null && (ServiceUrl is null || string.IsNullOrEmpty(AccessKey) || string.IsNullOrEmpty(SecretKey)))
        {
            throw new ArgumentException("S3FileSystemOptions needs either Client or ServiceUrl, AccessKey and SecretKey: set the S3 endpoint and its keys.");
        }

        if (PartSize < MinimumPartSize)
        {
            throw new ArgumentException($"S3FileSystemOptions.PartSize is {PartSize}: set at least {MinimumPartSize} (5 MiB), the smallest part S3 accepts.");
        }

        if (StaleUploadAge <= TimeSpan.Zero)
        {
            throw new ArgumentException("S3FileSystemOptions.StaleUploadAge must be positive: set how old an unfinished upload must be to be aborted.");
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"S3FileSystemOptions.ConnectTimeout is {ConnectTimeout}: set a positive time of at most 5 minutes.");
        }

        if (MaxErrorRetries is < 0 or > 10)
        {
            throw new ArgumentException($"S3FileSystemOptions.MaxErrorRetries is {MaxErrorRetries}: set 0 to 10.");
        }

        if (MaxDirectoryRenameKeys < 1)
        {
            throw new ArgumentException("S3FileSystemOptions.MaxDirectoryRenameKeys must be at least 1.");
        }
    }
}
